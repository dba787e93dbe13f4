"""Measure every cell: the questions Skills Map adds where the guide's five don't reach a cell,
what each rating looks like per skill, which questions measure each cell, and the level the app
assumes where a label names an area instead of a level.

A database seeded before this gets the same content the seed fixture now has. Only what still
stands as the guide had it is touched: a cell whose label staff have changed keeps its level.
A database with no map yet is left to `manage.py seed`.
"""

from django.db import migrations
from django.db.models import F

ADDED_SKILLS = [
    {
        "slug": "experiments-and-rigour",
        "bucket": "research",
        "name": "Experiments and rigour",
        "question": "Can you run an experiment or analysis that could prove you wrong, and report "
        "only what it shows?",
        "position": 6,
        "added": True,
    },
    {
        "slug": "portfolio-and-applications",
        "bucket": "communication",
        "name": "Portfolio and applications",
        "question": "Could a hiring manager find your best work online and see in one page why you "
        "fit?",
        "position": 7,
        "added": True,
    },
    {
        "slug": "law-econ-and-policy",
        "bucket": "domain",
        "name": "Law, econ, IR and policy",
        "question": "Can you explain how a real AI law or policy works, who it binds and what it "
        "trades off?",
        "position": 8,
        "added": True,
    },
    {
        "slug": "product-sense",
        "bucket": "domain",
        "name": "Product sense",
        "question": "Can you decide what an ML feature should do for its users, and measure whether "
        "it does?",
        "position": 9,
        "added": True,
    },
    {
        "slug": "ops-and-people",
        "bucket": "domain",
        "name": "Ops and people",
        "question": "Can you run a project, event or team so things happen on time and people come "
        "back?",
        "position": 10,
        "added": True,
    },
    {
        "slug": "threat-models",
        "bucket": "domain",
        "name": "Threat models",
        "question": "Can you explain how an advanced AI system could cause serious harm, and what "
        "would stop it?",
        "position": 11,
        "added": True,
    },
]

SKILL_LEVELS = {
    "python-and-pytorch": [
        "you read short Python scripts but can't yet write a training loop without copying one",
        "you run and edit a notebook someone else wrote and can say what each cell does",
        "you write a training loop and debug shape errors with the docs open",
        "you write tested, packaged PyTorch code unaided; teammates reuse your modules",
        "you profile and fix slow multi-GPU training; your code is merged into shared codebases",
    ],
    "deep-learning-and-transformers": [
        "you know transformers power LLMs but can't yet sketch attention on paper",
        "you draw a transformer block and explain attention, but haven't coded one",
        "you build a small GPT following a tutorial and explain each block with notes open",
        "you write a transformer from a blank file, train it, and "
        "justify each design choice unaided",
        "you've changed an architecture or training recipe and shown the effect in a write-up",
    ],
    "reading-papers": [
        "you stop at the abstract; the method section loses you",
        "you summarise a paper's claim and main figure, but can't yet judge if the evidence holds",
        "with references open you list a paper's claims, method and limits in an afternoon",
        "unaided you spot missing baselines and unsupported claims; people ask for your take",
        "you've reviewed for a venue or run a reading group, and reproduced a paper's key result",
    ],
    "experiments-and-rigour": [
        "you report the first result you get: no baseline, no second seed, no second source",
        "you spot a missing baseline, cherry-picked seed or unsupported claim in others' work",
        "you write your prediction first, then test against a baseline "
        "over several seeds or sources",
        "you design ablations or controls, report error bars, and write up negative results",
        "others have reproduced your results, and you catch your own bugs "
        "and confounds before review",
    ],
    "career-and-communication": [
        "your drafts run long, bury the point, and readers ask what you meant",
        "you write a clear paragraph, but a full page drifts without one argument",
        "you write a one-page memo with the conclusion first; it needs one round of edits",
        "readers restate and act on your page unaided; colleagues ask you to edit theirs",
        "your published memos, posts or papers have changed decisions or been cited",
    ],
    "portfolio-and-applications": [
        "nothing you've made is public; a search for your name finds no work",
        "you have a CV and a profile page, but no project a stranger understands in 5 minutes",
        "2-3 projects with write-ups are linked from one page, and your CV points to them",
        "each application is tailored to the role, and cold applications get you interviews",
        "people find you through your work: inbound invites, shared posts, referees cite specifics",
    ],
    "math-you-actually-need": [
        "matrix notation and probability symbols stop you reading a paper",
        "you follow a matrix multiply and Bayes' rule, but paper derivations lose you",
        "with notes open you derive a softmax gradient and compute an expectation by hand",
        "unaided you derive gradients, eigendecompositions and likelihoods, and spot maths errors",
        "you derive new results for your own work; colleagues bring you their maths questions",
    ],
    "law-econ-and-policy": [
        "you can't yet name a current AI law or who enforces it",
        "you summarise one AI law (e.g. the EU AI Act) and name who enforces it",
        "with sources open you brief how a rule works, who it binds and what it costs",
        "unaided you write analysis weighing legal, economic and "
        "international limits; experts reply",
        "a government, regulator or think tank has used your memo, or asked you to brief them",
    ],
    "product-sense": [
        "you start from a model you want to build, not from a user's problem",
        "you name the user and problem for an ML feature, but not how you'd measure success",
        "with a template you write a spec with a user, a success metric and a non-ML baseline",
        "you pick evals that track user value, read real outputs, and cut features that don't help",
        "you've shipped an ML feature people rely on and can show the metric it moved",
    ],
    "ops-and-people": [
        "you haven't yet organised something for other people from start to finish",
        "you've helped run an event or project someone else planned, and know its checklist",
        "you run a small event or project end to end with a checklist, budget and timeline",
        "you run a recurring programme people come back to, or manage people through weekly 1:1s",
        "you've built an organisation's processes; others copy them and they run without you",
    ],
    "threat-models": [
        "you can't yet explain why advanced AI might be dangerous beyond film plots",
        "you outline misuse, misalignment and structural risks and name a paper for each",
        "with sources open you write one threat model step by step, with evidence for each step",
        "unaided you compare threat models, match mitigations to them, and defend your estimates",
        "your threat-model writing has shaped a research or policy agenda; labs or funders ask you",
    ],
}

CELLS = {
    "research-scientist/technical": {
        "label": "High",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "research-scientist/research": {
        "label": "Very high",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "research-scientist/communication": {
        "label": "High",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "research-scientist/domain": {
        "label": "Math, heavy",
        "measured_by": ["math-you-actually-need"],
        "assumed_level": "high",
        "assumption": "“Heavy” read as High: the same as this track’s other non-hired-on cells.",
    },
    "research-engineer/technical": {
        "label": "Very high",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "research-engineer/research": {
        "label": "Medium",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "research-engineer/communication": {
        "label": "Medium",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "research-engineer/domain": {
        "label": "Math, moderate",
        "measured_by": ["math-you-actually-need"],
        "assumed_level": "medium",
        "assumption": "“Moderate” read as Medium: good enough not to be a liability.",
    },
    "interpretability/technical": {
        "label": "High",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "interpretability/research": {
        "label": "High",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "interpretability/communication": {
        "label": "High",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "interpretability/domain": {
        "label": "Math, moderate",
        "measured_by": ["math-you-actually-need"],
        "assumed_level": "medium",
        "assumption": "“Moderate” read as Medium: good enough not to be a liability.",
    },
    "alignment-and-ai-safety/technical": {
        "label": "High",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "alignment-and-ai-safety/research": {
        "label": "High",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "alignment-and-ai-safety/communication": {
        "label": "High",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "alignment-and-ai-safety/domain": {
        "label": "Math + threat models",
        "measured_by": ["math-you-actually-need", "threat-models"],
        "assumed_level": "high",
        "assumption": "Every other Alignment cell is High, and "
        "threat models are what set the track apart "
        "from general ML.",
    },
    "policy-and-governance/technical": {
        "label": "Low–Med (literacy)",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "policy-and-governance/research": {
        "label": "High (analysis)",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "policy-and-governance/communication": {
        "label": "Very high",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "policy-and-governance/domain": {
        "label": "Law / econ / IR / policy",
        "measured_by": ["law-econ-and-policy"],
        "assumed_level": "high",
        "assumption": "Policy work is judged on knowing how rules "
        "and institutions work; Medium would let "
        "strong prose alone look like a fit.",
    },
    "applied-and-product-ml/technical": {
        "label": "Very high",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "applied-and-product-ml/research": {
        "label": "Low",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "applied-and-product-ml/communication": {
        "label": "Medium",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "applied-and-product-ml/domain": {
        "label": "Product sense",
        "measured_by": ["product-sense"],
        "assumed_level": "medium",
        "assumption": "The track is hired on engineering (Very "
        "high); product sense must not be a "
        "liability, like its Medium communication.",
    },
    "field-building-and-comms/technical": {
        "label": "Low (literacy)",
        "measured_by": ["python-and-pytorch", "deep-learning-and-transformers"],
        "assumed_level": None,
        "assumption": "",
    },
    "field-building-and-comms/research": {
        "label": "Low",
        "measured_by": ["reading-papers", "experiments-and-rigour"],
        "assumed_level": None,
        "assumption": "",
    },
    "field-building-and-comms/communication": {
        "label": "Very high",
        "measured_by": ["career-and-communication", "portfolio-and-applications"],
        "assumed_level": None,
        "assumption": "",
    },
    "field-building-and-comms/domain": {
        "label": "Ops / people",
        "measured_by": ["ops-and-people"],
        "assumed_level": "high",
        "assumption": "Field-building roles are mostly running "
        "programmes, events and communities, next "
        "to the Very-high communication.",
    },
}


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Track = apps.get_model("skillmap", "Track")
    Bucket = apps.get_model("skillmap", "Bucket")
    Skill = apps.get_model("skillmap", "Skill")
    SkillLevel = apps.get_model("skillmap", "SkillLevel")
    Level = apps.get_model("skillmap", "Level")
    Requirement = apps.get_model("skillmap", "Requirement")
    MapRevision = apps.get_model("skillmap", "MapRevision")
    if not Track.objects.using(db).exists():
        return
    buckets = {b.slug: b for b in Bucket.objects.using(db)}
    for fields in ADDED_SKILLS:
        if fields["bucket"] in buckets:
            Skill.objects.using(db).get_or_create(
                slug=fields["slug"], defaults={**fields, "bucket": buckets[fields["bucket"]]}
            )
    skills = {s.slug: s for s in Skill.objects.using(db)}
    for slug, descriptions in SKILL_LEVELS.items():
        if slug in skills and not SkillLevel.objects.using(db).filter(skill=skills[slug]).exists():
            SkillLevel.objects.using(db).bulk_create(
                SkillLevel(skill=skills[slug], rating=rating, description=text)
                for rating, text in enumerate(descriptions, start=1)
            )
    levels = {lv.slug: lv for lv in Level.objects.using(db)}
    for key, cell in CELLS.items():
        track, bucket = key.split("/")
        requirement = (
            Requirement.objects.using(db)
            .filter(track__slug=track, bucket__slug=bucket, label=cell["label"])
            .first()
        )
        if requirement is None:
            continue
        requirement.measured_by.set([skills[s] for s in cell["measured_by"] if s in skills])
        assumed = levels.get(cell["assumed_level"] or "")
        if assumed is not None and requirement.assumed_level_id is None:
            requirement.level = None
            requirement.assumed_level = assumed
            requirement.assumption = cell["assumption"]
            requirement.save(update_fields=["level", "assumed_level", "assumption"])
    MapRevision.objects.using(db).filter(id=1).update(number=F("number") + 1)


class Migration(migrations.Migration):
    dependencies = [("skillmap", "0003_measure_every_cell")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
