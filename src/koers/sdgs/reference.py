"""Loads the SDG reference data shipped in ``data/sdgs.json``."""

import json
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "sdgs.json"


def read_reference() -> dict:
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))


def load_reference(goal_model, target_model) -> None:
    """Create or update all goals and targets; takes the models so migrations can use it."""
    for goal_data in read_reference()["goals"]:
        goal, _ = goal_model.objects.update_or_create(
            number=goal_data["number"],
            defaults={
                "name_nl": goal_data["name_nl"],
                "name_en": goal_data["name_en"],
                "colour": goal_data["colour"],
            },
        )
        for position, target_data in enumerate(goal_data["targets"], start=1):
            target_model.objects.update_or_create(
                code=target_data["code"],
                defaults={
                    "goal": goal,
                    "position": position,
                    "name_nl": target_data["name_nl"],
                    "name_en": target_data["name_en"],
                },
            )
