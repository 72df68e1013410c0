"""Demo improvement actions of 'Gemeente Voorbeeld' (invented): an Audit Vlaanderen audit on
information security and the action plan of a self-assessment of internal control."""

from datetime import date

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Membership
from koers.improvements.models import ImprovementAction, Source
from koers.improvements.services import save_action, save_source
from koers.plans.models import PlanItem

Status = ImprovementAction.Status
Priority = ImprovementAction.Priority
Response = ImprovementAction.Response

# (reference, finding, recommendation, priority, owner e-mail, department, deadline, status)
AUDIT = (
    (
        "IV-01",
        "Er is geen actueel informatieveiligheidsbeleid dat door de raad is goedgekeurd.",
        "Stel een informatieveiligheidsbeleid op en laat het goedkeuren door de gemeenteraad.",
        Priority.HIGH,
        "financien@voorbeeld.be",
        "Financiën en organisatie",
        date(2026, 3, 31),
        Status.DONE,
    ),
    (
        "IV-02",
        "De rol van informatieveiligheidsconsulent is niet formeel toegewezen.",
        "Wijs een informatieveiligheidsconsulent aan en beschrijf diens taken en mandaat.",
        Priority.HIGH,
        "financien@voorbeeld.be",
        "Financiën en organisatie",
        date(2026, 2, 28),
        Status.DONE,
    ),
    (
        "IV-03",
        "Toegangsrechten tot de toepassingen worden niet periodiek herzien.",
        "Herzie de toegangsrechten minstens jaarlijks per toepassing en documenteer de controle.",
        Priority.HIGH,
        "editor@voorbeeld.be",
        "Omgeving",
        date(2026, 9, 30),
        Status.IN_PROGRESS,
    ),
    (
        "IV-04",
        "Accounts van vertrokken medewerkers blijven actief.",
        "Koppel het afsluiten van accounts aan de uitstroomprocedure van de personeelsdienst.",
        Priority.HIGH,
        "financien@voorbeeld.be",
        "Financiën en organisatie",
        date(2026, 6, 30),
        Status.DONE,
    ),
    (
        "IV-05",
        "Er is geen getest herstelplan voor de kritieke toepassingen.",
        "Werk een continuïteits- en herstelplan uit en test het jaarlijks.",
        Priority.HIGH,
        "editor@voorbeeld.be",
        "Omgeving",
        date(2026, 11, 30),
        Status.IN_PROGRESS,
    ),
    (
        "IV-06",
        "Verwerkersovereenkomsten met leveranciers ontbreken gedeeltelijk.",
        "Inventariseer de verwerkers en sluit met elk een verwerkersovereenkomst.",
        Priority.MEDIUM,
        "welzijn@voorbeeld.be",
        "Welzijn en vrije tijd",
        date(2027, 3, 31),
        Status.NOT_STARTED,
    ),
    (
        "IV-07",
        "Medewerkers krijgen geen opleiding over phishing en veilig werken.",
        "Organiseer een jaarlijkse bewustmakingscampagne voor alle medewerkers.",
        Priority.MEDIUM,
        "welzijn@voorbeeld.be",
        "Welzijn en vrije tijd",
        date(2026, 10, 31),
        Status.NOT_STARTED,
    ),
    (
        "IV-08",
        "Het register van verwerkingsactiviteiten is onvolledig.",
        "Vul het register aan voor alle diensten en houd het bij bij elke nieuwe verwerking.",
        Priority.MEDIUM,
        "editor@voorbeeld.be",
        "Omgeving",
        date(2027, 6, 30),
        Status.IN_PROGRESS,
    ),
    (
        "IV-09",
        "Back-ups worden niet gescheiden van het netwerk bewaard.",
        "Bewaar een kopie van de back-ups offline of onveranderbaar.",
        Priority.HIGH,
        "financien@voorbeeld.be",
        "Financiën en organisatie",
        date(2026, 5, 31),
        Status.DONE,
    ),
    (
        "IV-10",
        "Laptops van medewerkers zijn niet versleuteld.",
        "Versleutel de harde schijven van alle draagbare toestellen.",
        Priority.LOW,
        "financien@voorbeeld.be",
        "Financiën en organisatie",
        date(2026, 12, 31),
        Status.NOT_STARTED,
    ),
)

SELF_ASSESSMENT = (
    (
        "OB-01",
        "Doelstellingen van de diensten zijn niet vertaald naar meetbare indicatoren.",
        "Bepaal per dienst twee tot vijf indicatoren en volg ze op in de rapportering.",
        Priority.MEDIUM,
        "coordinator@voorbeeld.be",
        None,
        date(2026, 6, 30),
        Status.DONE,
    ),
    (
        "OB-02",
        "Er is geen overzicht van de belangrijkste risico's per proces.",
        "Maak een risicoanalyse van de kernprocessen met het managementteam.",
        Priority.HIGH,
        "coordinator@voorbeeld.be",
        None,
        date(2026, 9, 30),
        Status.IN_PROGRESS,
    ),
    (
        "OB-03",
        "Procedures voor aankopen worden niet overal gevolgd.",
        "Actualiseer de aankoopprocedure en geef een opleiding aan de budgethouders.",
        Priority.MEDIUM,
        "financien@voorbeeld.be",
        "Financiën en organisatie",
        date(2026, 12, 31),
        Status.IN_PROGRESS,
    ),
    (
        "OB-04",
        "Functiebeschrijvingen zijn verouderd.",
        "Herzie de functiebeschrijvingen bij de volgende evaluatieronde.",
        Priority.LOW,
        "welzijn@voorbeeld.be",
        "Welzijn en vrije tijd",
        date(2027, 6, 30),
        Status.NOT_STARTED,
    ),
    (
        "OB-05",
        "Klachten worden niet gebruikt om de dienstverlening te verbeteren.",
        "Bespreek de klachten jaarlijks in het managementteam en leg verbeteracties vast.",
        Priority.MEDIUM,
        "coordinator@voorbeeld.be",
        None,
        date(2026, 3, 31),
        Status.DONE,
    ),
    (
        "OB-06",
        "Dossiers in de omgevingsvergunning worden niet tijdig afgesloten.",
        "Volg de doorlooptijden maandelijks op en stuur bij waar de termijn dreigt te verlopen.",
        Priority.HIGH,
        "editor@voorbeeld.be",
        "Omgeving",
        date(2026, 8, 31),
        Status.NOT_STARTED,
    ),
    (
        "OB-07",
        "Het onthaal kent geen vaste openingsuren voor telefonische vragen.",
        "Leg vaste bereikbaarheidsuren vast en communiceer ze op de website.",
        Priority.LOW,
        "welzijn@voorbeeld.be",
        "Welzijn en vrije tijd",
        date(2026, 4, 30),
        Status.CANCELLED,
    ),
    (
        "OB-08",
        "De opvolging van beslissingen van het college is niet centraal geregeld.",
        "Houd een opvolgingslijst van collegebeslissingen bij met een eigenaar per beslissing.",
        Priority.MEDIUM,
        "coordinator@voorbeeld.be",
        None,
        date(2027, 1, 31),
        Status.NOT_STARTED,
    ),
)


def load_improvements(organisation) -> None:
    """The audit and the self-assessment with their actions; two actions linked to the plan."""
    actor = Actor.system()
    members = {
        m.user.email: m
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    }
    departments = {d.name: d for d in Department.objects.filter(organisation=organisation)}
    audit = save_source(
        organisation,
        {
            "name": "Audit informatieveiligheid (Audit Vlaanderen)",
            "kind": Source.Kind.AUDIT_VLAANDEREN,
            "date": date(2025, 11, 18),
            "description": "Thema-audit informatieveiligheid en privacy, november 2025.",
        },
        actor=actor,
    )
    assessment = save_source(
        organisation,
        {
            "name": "Zelfevaluatie organisatiebeheersing 2025",
            "kind": Source.Kind.SELF_ASSESSMENT,
            "date": date(2025, 6, 12),
            "description": "Actieplan na de zelfevaluatie met het managementteam (Leidraad).",
        },
        actor=actor,
    )
    items = list(
        PlanItem.objects.filter(plan__organisation=organisation, depth__gt=2).order_by("path")[:2]
    )
    for source, rows in ((audit, AUDIT), (assessment, SELF_ASSESSMENT)):
        for number, row in enumerate(rows):
            reference, finding, recommendation, priority, email, department, deadline, status = row
            values = {
                "source": source,
                "reference": reference,
                "finding": finding,
                "recommendation": recommendation,
                "priority": priority,
                "owner": members.get(email),
                "department": departments.get(department) if department else None,
                "deadline": deadline,
                "status": status,
                "completed_on": deadline if status == Status.DONE else None,
                "response": Response.ACCEPTED,
            }
            if source is assessment and number == 0:
                values["plan_items"] = items
            save_action(organisation, values, actor=actor)
    refused = ImprovementAction.objects.get(source=audit, reference="IV-10")
    save_action(
        organisation,
        {
            "response": Response.NOT_ACCEPTED,
            "response_reason": "Alle laptops worden in 2026 vervangen door toestellen met "
            "standaard versleuteling.",
            "status": Status.CANCELLED,
        },
        actor=actor,
        action=refused,
    )
