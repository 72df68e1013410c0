"""Council questions of the demo (invented): a council member of Gemeente Voorbeeld asks
about the published start report; one question is answered and public, one answer waits
for approval, one is being written and one waits to be assigned."""

from django.utils import timezone

from koers.accounts.actor import Actor
from koers.accounts.models import Membership
from koers.followup.models import ReportingRound

QUESTIONS = [
    {
        "code": "BD2-01-01",
        "title": "Hoeveel gebouwen hebben al zonnepanelen?",
        "text": (
            "Het startrapport meldt dat de studie gegund is. Op hoeveel gemeentelijke "
            "gebouwen liggen vandaag al zonnepanelen, en welke volgen dit jaar?"
        ),
        "answer": (
            "Vandaag liggen er zonnepanelen op 6 van de 21 geschikte gebouwen: het "
            "gemeentehuis, twee scholen, de sporthal, de bibliotheek en het depot.\n"
            "Dit jaar volgen het cultuurcentrum en het zwembad."
        ),
        "until": "public",
    },
    {
        "code": "BD2",
        "subject": "section",
        "title": "Waarom loopt de vergroening achter?",
        "text": (
            "In het hoofdstuk over de klimaatrobuuste gemeente staat weinig over het "
            "ontharden. Wat is de planning voor het marktplein?"
        ),
        "answer": (
            "Het ontwerp van het marktplein wordt in het voorjaar met de buurt besproken; "
            "de werken starten na de zomer."
        ),
        "until": "submitted",
    },
    {
        "code": "BD2-01-02",
        "title": "Hoeveel inwoners kregen renovatiebegeleiding?",
        "text": "Hoeveel gezinnen meldden zich aan bij het renovatieloket in het eerste kwartaal?",
        "answer": "In het eerste kwartaal meldden zich",
        "until": "draft",
    },
    {
        "code": "BD2-01-03",
        "title": "Wanneer is alle openbare verlichting led?",
        "text": "Blijft 2028 het jaar waarin alle openbare verlichting omgeschakeld is?",
        "until": "asked",
    },
]


def load_council_questions(organisation) -> None:
    """The demo's council questions on the published round of the organisation's plan."""
    from koers.council import services
    from koers.council.models import QuestionNotice

    round_ = (
        ReportingRound.objects.filter(
            plan__organisation=organisation, state=ReportingRound.State.PUBLISHED
        )
        .select_related("plan")
        .first()
    )
    if round_ is None:
        return

    def member(email):
        return Actor.member(Membership.objects.get(organisation=organisation, user__email=email))

    council = member("reader@voorbeeld.be")
    coordinator = member("coordinator@voorbeeld.be")
    editor = member("editor@voorbeeld.be")
    for entry in QUESTIONS:
        item = round_.plan.items.get(code=entry["code"])
        question = services.ask(
            round_,
            {
                "subject": entry.get("subject", "item"),
                "item": item,
                "title": entry["title"],
                "text": entry["text"],
            },
            actor=council,
        )
        if entry["until"] == "asked":
            continue
        question = services.assign(
            question,
            {"assignee": editor.user},  # the deadline: the organisation's days from today
            actor=coordinator,
        )
        submit = entry["until"] in ("submitted", "public")
        question = services.save_answer(question, entry["answer"], submit=submit, actor=editor)
        if entry["until"] == "public":
            question = services.approve(question, actor=coordinator)
            services.set_public(question, True, actor=coordinator)
    # The demo's notices show in the app, but no e-mail goes out about them.
    QuestionNotice.objects.filter(question__round=round_).update(emailed_at=timezone.now())
