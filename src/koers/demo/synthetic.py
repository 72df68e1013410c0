"""Synthetic plans of any size, for benchmarks and tests of scale (not demo content)."""

MILESTONES = ({"title": "Start", "done": True, "done_on": "2026-03-01"}, {"title": "Einde"})
BUDGET = (
    {"year": 2026, "initial": "1000.00", "current": "1200.00", "actual": "300.00"},
    {"year": 2027, "initial": "500", "current": "500"},
)


SENTENCES = (
    "De werken aan de {place} zijn gestart en lopen volgens de planning.",
    "Het college keurde het ontwerp voor {place} goed na overleg met de buurt.",
    "We organiseerden {count} bewonersvergaderingen en verwerkten de opmerkingen in het plan.",
    "De aanbesteding is gegund; de aannemer begint in het voorjaar.",
    "Door de gestegen materiaalprijzen loopt het budget voor {place} {count} procent op.",
    "Samen met de scholen en jeugdverenigingen werkten we een aanpak uit.",
    "De nieuwe fietspaden langs de {place} zijn aangelegd en ingehuldigd.",
    "We plantten {count} bomen en legden een wadi aan om regenwater op te vangen.",
    "De subsidieaanvraag bij de Vlaamse overheid werd goedgekeurd.",
    "Het energieloket begeleidde {count} gezinnen bij hun renovatie.",
    "De vergunningsaanvraag voor {place} loopt nog; we verwachten een beslissing in het najaar.",
    "Een studiebureau onderzoekt de verkeersveiligheid rond de {place}.",
    "Vrijwilligers hielpen bij de opruimacties; er werd {count} kilo zwerfvuil verzameld.",
    "We stelden een projectleider aan die de opvolging coördineert.",
    "De eerste fase is afgerond; de tweede fase start na de zomervakantie.",
    "Wegens personeelstekort schuiven we de start van {place} een jaar op.",
)
PLACES = (
    "Kerkstraat",
    "Stationsplein",
    "Molenbeek",
    "Dorpsstraat",
    "Nieuwe Markt",
    "Schoolstraat",
    "Vaartkaai",
    "Sint-Jansplein",
    "Beekstraat",
    "Heidebos",
)


def synthetic_text(number: int, sentences: int = 4, seed: int = 0) -> str:
    """A Dutch progress text of a few sentences that differs per ``number`` and ``seed``
    (rich-text HTML, as the editor writes it)."""
    parts = []
    for index in range(sentences):
        sentence = SENTENCES[(number * 7 + index * 5 + seed * 3) % len(SENTENCES)]
        place = PLACES[(number + index + seed) % len(PLACES)]
        parts.append(sentence.format(place=place, count=(number * 13 + index + seed) % 90 + 10))
    return "<p>" + " ".join(parts[:2]) + "</p><p>" + " ".join(parts[2:]) + "</p>"


def synthetic_plan_document(actions: int, texts: bool = False) -> dict:
    """A Flemish plan: goals BD1.. of 5 action plans BD1-01.. of 10 actions, until ``actions``.

    Every action has a status, progress, two milestones and two budget lines; with
    ``texts``, also a description of a few Dutch sentences (``synthetic_text``).
    """
    goals, made = [], 0
    while made < actions:
        goal = len(goals) + 1
        action_plans = []
        for number in range(1, 6):
            children = []
            for action in range(1, 11):
                if made >= actions:
                    break
                made += 1
                children.append(
                    {
                        "code": f"BD{goal}-{number:02d}-{action:02d}",
                        "title": f"Actie {made}",
                        "status": "lopend",
                        "progress": made % 100,
                        "milestones": [dict(m) for m in MILESTONES],
                        "budget_lines": [dict(b) for b in BUDGET],
                        **({"description": synthetic_text(made, 3, seed=1)} if texts else {}),
                    }
                )
            if children:
                action_plans.append(
                    {
                        "code": f"BD{goal}-{number:02d}",
                        "title": f"Actieplan {goal}.{number}",
                        "children": children,
                    }
                )
        goals.append(
            {"code": f"BD{goal}", "title": f"Doelstelling {goal}", "children": action_plans}
        )
    plan = {"title": f"Plan met {actions} acties", "first_year": 2026, "last_year": 2031}
    return {"format": "koers.plan-document", "version": 1, "plan": {**plan, "items": goals}}
