"""Training coverage: the people running AI systems are trained on the guidelines in force."""

from __future__ import annotations

from typing import ClassVar

from charter.domain.checks import Check, CheckContext, Outcome, Violation
from charter.domain.findings import subject
from charter.domain.guidelines import Scope
from charter.domain.organisation import Role, TrainingRecord
from charter.domain.training import module_standing, why_not_trained

PARTNER_PACK = "partner-ai-usage"
GENAI_PACK = "genai-content-production"


class TrainingCoverage(Check):
    """Every person who must take a training module of the pinned pack (by role on the system:
    ``owner`` for the owner, ``executive`` for the accountable executive, ``operator`` for
    operators; for GenAI use cases, the use-case owners and the system's operators) completed
    it for the module's current content
    (``changed_in`` or later) within ``max_age_days`` of the audit date."""

    id = "training.coverage"
    title = "Owners and operators trained on the module's current content"
    scopes = (Scope.SYSTEM, Scope.USE_CASE)
    requirements: ClassVar[tuple[str, ...]] = (f"{PARTNER_PACK}:TRAIN-01", f"{GENAI_PACK}:GENAI-14")
    inputs = ("training/records.csv", "people.yaml", "systems/<id>.yaml")
    parameters = ("max_age_days",)

    def run(self, ctx: CheckContext) -> Outcome:
        max_age = ctx.threshold("max_age_days")
        people = self._people_by_role(ctx)
        modules = [m for m in ctx.pack.training_modules if set(m.audience) & set(people)]
        if not modules:
            return Outcome.not_applicable("no training module of this pack applies")
        records: dict[str, list[TrainingRecord]] = {}
        for record in ctx.workspace.training:
            records.setdefault(record.person, []).append(record)
        violations: list[Violation] = []
        trained = 0
        required = 0
        for module in modules:
            audience = sorted({p for role in module.audience for p in people.get(role, ())})
            for person_id in audience:
                required += 1
                standing = module_standing(records.get(person_id, []), module, ctx.as_of, max_age)
                if standing.standing.trained:
                    trained += 1
                    continue
                violations.append(
                    Violation(
                        subject=subject("person", person_id, module.id),
                        message=(
                            f"{person_id} has not completed '{module.id}': "
                            f"{why_not_trained(standing, module)}"
                        ),
                        location=ctx.workspace.locate_person(person_id),
                        evidence={
                            "person": person_id,
                            "module": module.id,
                            "team": ctx.workspace.people[person_id].team,
                        },
                    )
                )
        evidence = {
            "required": required,
            "trained": trained,
            "coverage": round(trained / required, 4) if required else 1.0,
        }
        return Outcome.from_violations(violations, evidence)

    @staticmethod
    def _people_by_role(ctx: CheckContext) -> dict[Role, set[str]]:
        if ctx.requirement.scope is Scope.USE_CASE:
            owners = {u.owner for u in ctx.use_cases}
            if ctx.system is not None:
                owners |= set(ctx.system.operators)
            return {Role.OWNER: owners, Role.OPERATOR: set(owners)}
        card = ctx.system
        if card is None:
            return {}
        return {
            Role.OWNER: {card.owner},
            Role.EXECUTIVE: {card.accountable_executive},
            Role.OPERATOR: set(card.operators),
        }


CHECKS: list[type[Check]] = [TrainingCoverage]
