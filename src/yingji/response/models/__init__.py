"""The app's models, one module per subject, re-exported here."""

from .evacuation import (
    Household,
    HouseholdState,
    HouseholdTransition,
    QuickReport,
    Shelter,
    ShelterKind,
    ShelterLevel,
    ShelterRedirect,
    ShelterState,
    VillageTally,
)

__all__ = [
    "Household", "HouseholdState", "HouseholdTransition", "QuickReport", "Shelter", "ShelterKind", "ShelterLevel",
    "ShelterRedirect", "ShelterState", "VillageTally",
]
