"""Demo complaints of 'Gemeente Voorbeeld': a year of invented complaints, received up to
today, most answered (a few late), the most recent still open. Wout Welzijn is the
organisation's complaint handler. Names and addresses are made up."""

import datetime
import random

from django.utils import timezone

from koers.accounts.actor import Actor
from koers.accounts.models import Department, Membership
from koers.complaints.models import Complaint
from koers.complaints.services import handle_complaint, register_complaint
from koers.plans.models import PlanItem

HANDLER = "welzijn@voorbeeld.be"

# department -> (handler e-mail, [(subject, description)])
SUBJECTS = {
    "Omgeving": (
        "editor@voorbeeld.be",
        [
            ("Put in het fietspad", "In het fietspad langs de Molenstraat zit een diepe put."),
            ("Sluikstort niet opgeruimd", "Aan de glasbol ligt al twee weken afval."),
            ("Straatverlichting defect", "De lantaarnpalen in de Beukenlaan branden niet meer."),
            ("Wegenwerken zonder aankondiging", "Onze straat werd zonder bericht afgesloten."),
            ("Vergunning duurt te lang", "Mijn aanvraag voor een carport ligt er al maanden."),
            ("Overhangende takken", "Takken van de gemeentelijke bomen hangen over het voetpad."),
            ("Wateroverlast na onweer", "De riolering kon het water niet slikken."),
        ],
    ),
    "Welzijn en vrije tijd": (
        HANDLER,
        [
            ("Lange wachttijd sociaal huis", "Ik wachtte anderhalf uur zonder uitleg."),
            ("Zwembad te vroeg gesloten", "Het zwembad sloot een half uur voor het uur."),
            ("Inschrijving speelplein liep vast", "De website liet me niet inschrijven."),
            ("Boete bibliotheek onterecht", "Ik bracht het boek op tijd terug."),
            ("Onvriendelijk onthaal", "De medewerker aan het onthaal was kortaf."),
        ],
    ),
    "Financiën en organisatie": (
        "financien@voorbeeld.be",
        [
            ("Factuur afvalbelasting fout", "Ik kreeg twee keer dezelfde aanslag."),
            ("Telefonisch onbereikbaar", "Het algemene nummer nam drie dagen niet op."),
            ("Geen antwoord op e-mail", "Mijn vraag van vorige maand bleef onbeantwoord."),
            ("Loket gesloten tijdens openingsuren", "Het loket was dicht op dinsdagvoormiddag."),
            ("Verkeerde openingsuren op website", "De website vermeldt oude openingsuren."),
        ],
    ),
}

FIRST = ["Lotte", "Jens", "Mira", "Tuur", "Fien", "Ward", "Noor", "Bram", "Lien", "Stan"]
LAST = ["Verzonnen", "Denkbeeld", "Proefmans", "Voorbeeldt", "Fictief", "Naamloos"]
CHANNELS = [
    (Complaint.Channel.EMAIL, 35),
    (Complaint.Channel.PORTAL, 25),
    (Complaint.Channel.PHONE, 20),
    (Complaint.Channel.LETTER, 10),
    (Complaint.Channel.COUNTER, 10),
]
OUTCOMES = [
    (Complaint.Outcome.FOUNDED, 25),
    (Complaint.Outcome.PARTLY_FOUNDED, 20),
    (Complaint.Outcome.UNFOUNDED, 35),
    (Complaint.Outcome.INADMISSIBLE, 10),
    (Complaint.Outcome.WITHDRAWN, 10),
]
ANSWERS = {
    Complaint.Outcome.FOUNDED: "U heeft gelijk. We hebben het probleem verholpen en passen "
    "onze werkwijze aan.",
    Complaint.Outcome.PARTLY_FOUNDED: "U heeft deels gelijk. We verhelpen wat misliep en "
    "leggen uit wat we anders zien.",
    Complaint.Outcome.UNFOUNDED: "We hebben uw klacht onderzocht en leggen uit waarom we "
    "correct handelden.",
}
COUNT = 72
# Two open complaints: a fresh one for the Omgeving editor, one past its deadline.
SPECIAL = {3: "Omgeving", 62: "Welzijn en vrije tijd"}


def _pick(rng: random.Random, weighted):
    return rng.choices([value for value, _ in weighted], [weight for _, weight in weighted])[0]


def load_complaints(organisation, today: datetime.date | None = None) -> list[Complaint]:
    """Register and handle the demo complaints through the services."""
    today = today or timezone.localdate()
    rng = random.Random(13)
    handler = Membership.objects.select_related("user").get(
        organisation=organisation, user__email=HANDLER
    )
    handler.handles_complaints = True
    handler.save(update_fields=["handles_complaints"])
    members = {
        m.user.email: m
        for m in Membership.objects.filter(organisation=organisation).select_related("user")
    }
    departments = {d.name: d for d in Department.objects.filter(organisation=organisation)}
    made = []
    # Received over the past year, oldest first; the last month's are still open.
    days_ago = sorted((rng.randint(0, 364) for _ in range(COUNT)), reverse=True)
    days_ago[-1], days_ago[-2] = 3, 62  # one fresh complaint, one open past its deadline
    for number, ago in enumerate(days_ago):
        department_name = rng.choice(list(SUBJECTS))
        if ago in SPECIAL:
            department_name = SPECIAL[ago]
        handler_email, subjects = SUBJECTS[department_name]
        subject, description = rng.choice(subjects)
        received_on = today - datetime.timedelta(days=ago)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        complaint = register_complaint(
            organisation,
            {
                "received_on": received_on,
                "channel": _pick(rng, CHANNELS),
                "subject": subject,
                "description": description,
                "department": departments[department_name],
                "handler": members[handler_email],
            },
            actor=Actor.system(user=handler.user),
            complainant={
                "name": f"{first} {last}",
                "address": f"Voorbeeldstraat {number + 1}, 9999 Voorbeeld",
                "email": f"{first.lower()}.{last.lower()}@example.org",
                "phone": f"+32 499 00 {number:02d} {rng.randint(10, 99)}",
            },
            today=today,
        )
        made.append(_handle(complaint, rng, ago, today, handler.user))
    _link_improvements(organisation, made, today, handler.user)
    return made


def _handle(complaint, rng, ago, today, user) -> Complaint:
    actor = Actor.system(user=user)
    received_on = complaint.received_on
    acknowledged = received_on + datetime.timedelta(days=rng.randint(1, 5))
    if acknowledged > today:
        return complaint
    values = {"acknowledged_on": acknowledged}
    # Most are answered within the deadline (45 days), about one in eight late.
    took = rng.randint(50, 70) if rng.random() < 0.12 else rng.randint(8, 40)
    if ago in SPECIAL or received_on + datetime.timedelta(days=took) > today:
        values["admissible"] = True if ago != 3 else None
        return handle_complaint(complaint, values, actor=actor, today=today)
    outcome = _pick(rng, OUTCOMES)
    values["answered_on"] = received_on + datetime.timedelta(days=took)
    values["outcome"] = outcome
    if outcome == Complaint.Outcome.INADMISSIBLE:
        values["admissible"] = False
        values["inadmissible_reason"] = "Het gaat om een melding, niet om een klacht."
        values["answer"] = "Wij behandelen uw bericht als melding; de dienst volgt het op."
    elif outcome == Complaint.Outcome.WITHDRAWN:
        values["admissible"] = True
        values["answer"] = "U trok de klacht in na een gesprek met de dienst."
    else:
        values["admissible"] = True
        values["answer"] = ANSWERS[outcome]
    return handle_complaint(complaint, values, actor=actor, today=today)


def _link_improvements(organisation, complaints, today, user) -> None:
    """A few founded complaints lead to an action of the plan of their department."""
    for complaint in [c for c in complaints if c.outcome == Complaint.Outcome.FOUNDED][:4]:
        item = (
            PlanItem.objects.filter(
                plan__organisation=organisation,
                depth__gte=3,
                departments=complaint.department,
            )
            .order_by("path")
            .first()
        )
        if item is not None:
            handle_complaint(
                complaint, {"plan_item": item}, actor=Actor.system(user=user), today=today
            )
