from django.urls import path

from koers.council import views

app_name = "council"
urlpatterns = [
    path("raadsvragen/", views.index, name="index"),
    path("raadsvragen/instellingen/", views.council_settings, name="settings"),
    path("raadsvragen/gelezen/", views.notices_read, name="notices_read"),
    path("raadsvragen/rondes/<int:pk>/", views.round_questions, name="round"),
    path("raadsvragen/rondes/<int:pk>/vragen/nieuw/", views.ask, name="ask"),
    path("raadsvragen/<int:pk>/", views.question_detail, name="question"),
    path("raadsvragen/<int:pk>/toewijzen/", views.assign, name="assign"),
    path("raadsvragen/<int:pk>/antwoord/", views.answer, name="answer"),
    path("raadsvragen/<int:pk>/beoordelen/", views.review, name="review"),
    path("raadsvragen/<int:pk>/publiek/", views.publish, name="publish"),
]
