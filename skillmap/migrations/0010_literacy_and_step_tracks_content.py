"""AI literacy measured as literacy, level descriptions a person controls, and steps that
serve tracks, for databases seeded before; the same content as the seed fixture.

- The added AI-literacy question (the app's own, in the Technical bucket) measures the literacy
  cells (Policy and Field-building Technical), so no one fails literacy for not coding; Policy's
  Research "High (analysis)" is measured by experiments and rigour, whose anchors now hold for
  analysis outside ML.
- Every skill's 1-5 descriptions state one behaviour a person can show by their own work.
- Low-Med asks more than Low (3, not 2).
- Steps name the tracks they serve, with policy, field-building, interpretability and alignment
  steps added; each link was checked by the content review (tests/data/checked_links.txt).

Only what still stands as seeded is rewritten (so running it twice changes nothing): a question, description, level, cell or step
whose words staff have changed keeps them (a step keeps its words but gets its tracks, and
moves to its new place). A seeded step staff deleted stays deleted; steps staff added keep
their order after the seeded ones. A database with no map yet is left to `manage.py seed`.
"""

from importlib import import_module

from django.db import migrations
from django.db.models import F

SEEDED_STEPS = import_module("skillmap.migrations.0007_step_content").STEPS
SEEDED_LEVELS = import_module("skillmap.migrations.0004_measure_every_cell_content").SKILL_LEVELS

NEW_SKILLS = [
    {
        "slug": "ai-literacy",
        "bucket": "technical",
        "name": "AI literacy",
        "question": "Can you explain in plain words how today's AI systems are trained and tested, and "
        "judge a claim about what one can do?",
        "position": 12,
        "added": True,
    }
]

# Each changed question: [as seeded, now].
QUESTIONS = {
    "law-econ-and-policy": [
        "Can you explain how a real AI law or policy works, who it binds and what it trades off?",
        "Can you explain how a real law, policy or treaty governing AI works, who "
        "it applies to and what it trades off?",
    ]
}

# Each skill's 1-5 descriptions, where they changed (or the skill is new).
SKILL_LEVELS = {
    "python-and-pytorch": [
        "you read short Python scripts but can't yet write a training loop without copying one",
        "you adapt someone else's PyTorch notebook to your own data, knowing what each cell does",
        "with the docs open you write a training loop from an empty file that runs end to end",
        "unaided you write a small PyTorch package whose tests pass on a clean install",
        "you've written a tested multi-GPU training codebase, from data to "
        "evaluation, with profiles showing where its step time goes",
    ],
    "deep-learning-and-transformers": [
        "you know transformers power LLMs but can't yet sketch attention on paper",
        "you draw a transformer block from memory, saying what "
        "attention does, but haven't coded one",
        "following a tutorial you build a small GPT that trains and generates text",
        "unaided you write a transformer from a blank file that "
        "trains, each design choice's reason in a comment",
        "you've implemented a published transformer variant from its "
        "paper alone, matching one of its reported results",
    ],
    "ai-literacy": [
        "you use AI chatbots but can't yet say how one is trained",
        "you explain in your own words how a chatbot is made, from pre-training data "
        "through fine-tuning to benchmark tests",
        "with notes open you summarise a frontier model's system card: what each "
        "evaluation tested and what it found",
        "unaided you judge whether the evaluations behind a published claim about an AI "
        "system's abilities actually support it",
        "you've written a 10-page briefing on how frontier AI is trained and evaluated, "
        "every technical claim traced to a primary source",
    ],
    "reading-papers": [
        "you stop at the abstract; the method section loses you",
        "you summarise a paper's claim and main figure, but can't yet judge whether "
        "the evidence holds",
        "with references open you list a paper's claims, method and limits in an afternoon",
        "unaided you write a critique marking which of a paper's claims its "
        "experiments actually support",
        "you've written a survey of one subfield (20+ papers) that ranks the strength "
        "of each paper's evidence",
    ],
    "experiments-and-rigour": [
        "you report the first answer you get: no baseline, no second run, no second source",
        "you test your own result against a comparison someone else picked (a "
        "baseline, a base rate)",
        "with a template open you write down, before looking, the result that "
        "would prove you wrong, then report against it",
        "unaided you test your claim against its strongest rival explanation "
        "(a confound, noise, contrary evidence), stating your uncertainty",
        "you've written a paper-length study in which each claim carries its "
        "uncertainty and the rival explanations you ruled out",
    ],
    "career-and-communication": [
        "your drafts run long and bury their point past the first paragraph",
        "you write a clear paragraph, but a full page drifts without one argument",
        "with a template open you write a one-page memo that leads with its "
        "conclusion, needing a round of edits",
        "unaided you draft a persuasive page, conclusion first, that answers "
        "the strongest objection to it",
        "you've published a 4,000-word argument whose headings and topic "
        "sentences alone carry its whole case",
    ],
    "portfolio-and-applications": [
        "nothing you've made is public; a search for your name finds no work",
        "you have a CV online, but no piece of work a stranger could follow in five minutes",
        "following a template you've built one page linking 2-3 write-ups of your own work",
        "unaided you write an application that matches each of the role's "
        "top needs to a piece of your work",
        "you have a one-page case for your fit that leads with a finished, "
        "months-long project in your target track",
    ],
    "math-you-actually-need": [
        "matrix notation and probability symbols stop you reading a paper",
        "you follow a matrix multiply and Bayes' rule, but paper derivations lose you",
        "with notes open you follow a paper's derivation line by line, filling "
        "in the skipped steps",
        "unaided you derive a paper's key result from its premises without looking at its steps",
        "you've derived a result your own project needed that no paper gave "
        "you, written up with every step shown",
    ],
    "law-econ-and-policy": [
        "you can't yet name one real policy governing AI and say what it does",
        "you explain in your own words how one instrument governing AI works (a "
        "law, treaty, export control, subsidy)",
        "with sources open you write a one-page brief on one instrument: who it "
        "applies to, how it takes effect, what it trades off",
        "unaided you write a memo for a named decision-maker weighing two options "
        "on one AI policy question",
        "you've written a report-length analysis (10+ pages) of one AI policy "
        "proposal, ending in recommendations that name who should act",
    ],
    "product-sense": [
        "you start from a model you want to build, not from a user's problem",
        "you name the user and problem for an ML feature, but not how you'd measure success",
        "with a template you write a one-page spec naming a user, a success metric and "
        "a non-ML baseline",
        "unaided you build an eval from 100 labelled real outputs that decides whether "
        "a change ships",
        "you've run an ML feature with real users for months, with a write-up of what "
        "each change did to its user metric",
    ],
    "ops-and-people": [
        "you haven't yet organised something for other people from start to finish",
        "you've owned one part of something someone else planned (an event, a "
        "project), working from their checklist",
        "with a checklist you run something small end to end (an event, a project), on "
        "its date and budget",
        "unaided you run something recurring for three months (a course, a team's "
        "weekly rhythm), changing it each cycle from feedback you gathered",
        "you've built a programme from scratch through three cycles, with a written "
        "playbook for every role in it",
    ],
    "threat-models": [
        "you can't yet explain why advanced AI might be dangerous beyond film plots",
        "you outline misuse, misalignment and structural risks, naming one source for each",
        "with sources open you write one threat model step by step, with evidence for each step",
        "unaided you write a threat model from capability to harm, naming for each step "
        "the mitigation that would break it",
        "you've written a report-length threat model that estimates from evidence how "
        "likely each step is and what would stop it",
    ],
}

# Each changed level's target and app meaning: [as seeded, now].
TARGETS = {"low-med": [2, 3]}
APP_MEANINGS = {
    "low-med": [
        "more than literacy: you can follow the work and hold your own in it, without doing "
        "it yourself.",
        "more than literacy: with notes open you follow the work closely enough to hold your "
        "own in it, without doing it yourself.",
    ]
}

# The questions that measure a cell: [as seeded, now].
MEASURED_BY = {
    "policy-and-governance/technical": [
        ["python-and-pytorch", "deep-learning-and-transformers"],
        ["ai-literacy"],
    ],
    "field-building-and-comms/technical": [
        ["python-and-pytorch", "deep-learning-and-transformers"],
        ["ai-literacy"],
    ],
    "policy-and-governance/research": [
        ["reading-papers", "experiments-and-rigour"],
        ["experiments-and-rigour"],
    ],
}

# Every step, in its new place. "was": its position before, for a step seeded by 0007 (None: a
# new step); "builds_on": the key of the step it assumes done first.
STEPS = [
    {
        "key": "py-tutorial",
        "was": 1,
        "skill": "python-and-pytorch",
        "position": 1,
        "title": "Work through chapters 3-9 of the official Python tutorial and solve ten small "
        "exercises",
        "done_when": "Ten short scripts (files, lists, dicts, classes, exceptions) run without errors "
        "and sit in one repo.",
        "kind": "practise",
        "hours": 10,
        "url": "https://docs.python.org/3/tutorial/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pytorch-basics",
        "was": 2,
        "skill": "python-and-pytorch",
        "position": 2,
        "title": "Train the FashionMNIST model in PyTorch's 'Learn the Basics', then change one setting "
        "to beat its default",
        "done_when": "Your notebook records the test accuracy the tutorial's own settings give (plain "
        "SGD at lr 1e-3, which stays below 80%), then one change you chose (e.g. Adam, a "
        "higher learning rate or more epochs) that reaches 80% or more; each section is "
        "commented.",
        "kind": "practise",
        "hours": 6,
        "url": "https://docs.pytorch.org/tutorials/beginner/basics/intro.html",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "py-tutorial",
        "weekly": None,
    },
    {
        "key": "micrograd",
        "was": 3,
        "skill": "python-and-pytorch",
        "position": 3,
        "title": "Build micrograd from scratch with Karpathy's first Zero to Hero lecture",
        "done_when": "Your own Value class trains a small MLP and its gradients match PyTorch's on the "
        "same expression.",
        "kind": "build",
        "hours": 8,
        "url": "https://karpathy.ai/zero-to-hero.html",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "py-tutorial",
        "weekly": None,
    },
    {
        "key": "arena-prereqs",
        "was": None,
        "skill": "python-and-pytorch",
        "position": 4,
        "title": "Do ARENA's chapter 0 prerequisites: the tensor and einops exercises",
        "done_when": "Every exercise in ARENA 0.0 passes its tests in your own notebook, written without "
        "pasting the solutions.",
        "kind": "practise",
        "hours": 8,
        "url": "https://learn.arena.education/chapter0_fundamentals/00_prereqs/intro/",
        "min_rating": 2,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "pytorch-basics",
        "weekly": None,
    },
    {
        "key": "nn-from-memory",
        "was": 4,
        "skill": "python-and-pytorch",
        "position": 5,
        "title": "Rewrite a training loop from memory, then refactor it the way 'What is torch.nn "
        "really?' does",
        "done_when": "A script with a Dataset, DataLoader, nn.Module, and train and eval loops runs end "
        "to end, written with the tutorial closed.",
        "kind": "practise",
        "hours": 6,
        "url": "https://docs.pytorch.org/tutorials/beginner/nn_tutorial.html",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "pytorch-basics",
        "weekly": None,
    },
    {
        "key": "arena-resnet",
        "was": None,
        "skill": "python-and-pytorch",
        "position": 6,
        "title": "Build ResNet-34 in ARENA's chapter 0 CNNs section and load the pretrained torchvision "
        "weights into it",
        "done_when": "Your ResNet-34, built from your own modules, gives the same ImageNet predictions "
        "as torchvision's pretrained model on five images.",
        "kind": "build",
        "hours": 10,
        "url": "https://learn.arena.education/chapter0_fundamentals/02_cnns/4-resnets/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "nn-from-memory",
        "weekly": None,
    },
    {
        "key": "package-tests",
        "was": 5,
        "skill": "python-and-pytorch",
        "position": 7,
        "title": "Package a small PyTorch project with tests",
        "done_when": "A public repo installs with pip, has a README, and its pytest suite (including a "
        "shape test for the model) passes.",
        "kind": "ship",
        "hours": 8,
        "url": "https://docs.pytest.org/en/stable/getting-started.html",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "nn-from-memory",
        "weekly": None,
    },
    {
        "key": "ddp",
        "was": 6,
        "skill": "python-and-pytorch",
        "position": 8,
        "title": "Scale a training script to several processes with DistributedDataParallel",
        "done_when": "The same script runs with one and with two or more processes (CPU with the gloo "
        "backend, or GPUs), and a table reports throughput for each.",
        "kind": "build",
        "hours": 10,
        "url": "https://docs.pytorch.org/tutorials/intermediate/ddp_tutorial.html",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": ["research-engineer", "applied-and-product-ml", "research-scientist"],
        "needs_gpu": False,
        "builds_on": "package-tests",
        "weekly": None,
    },
    {
        "key": "3b1b-nn",
        "was": 1,
        "skill": "deep-learning-and-transformers",
        "position": 1,
        "title": "Watch 3Blue1Brown's neural-network lessons through the attention chapter, then explain "
        "attention aloud",
        "done_when": "You explain queries, keys and values in two minutes without notes, recorded or to "
        "a friend.",
        "kind": "read",
        "hours": 4,
        "url": "https://www.3blue1brown.com/topics/neural-networks",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "illustrated-transformer",
        "was": 2,
        "skill": "deep-learning-and-transformers",
        "position": 2,
        "title": "Read 'The Illustrated Transformer' and draw one block from memory",
        "done_when": "A hand-drawn block shows tensor shapes at every step and matches the post when you "
        "check it.",
        "kind": "read",
        "hours": 3,
        "url": "https://jalammar.github.io/illustrated-transformer/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "3b1b-nn",
        "weekly": None,
    },
    {
        "key": "lets-build-gpt",
        "was": 3,
        "skill": "deep-learning-and-transformers",
        "position": 3,
        "title": "Code along with Karpathy's 'Let's build GPT' to a working character-level model",
        "done_when": "Your notebook generates text from a small model you trained yourself, and you can "
        "point to the attention code.",
        "kind": "build",
        "hours": 8,
        "url": "https://www.youtube.com/watch?v=kCc8FmEb1nY",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "transformer-from-scratch",
        "was": 4,
        "skill": "deep-learning-and-transformers",
        "position": 4,
        "title": "Implement a transformer from scratch and explain each block in a one-page write-up",
        "done_when": "Your model trains on a toy task, and the page explains attention, masking, "
        "residuals, layer norm and the MLP.",
        "kind": "build",
        "hours": 16,
        "url": "https://nlp.seas.harvard.edu/annotated-transformer/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "lets-build-gpt",
        "weekly": None,
    },
    {
        "key": "map-equations",
        "was": 5,
        "skill": "deep-learning-and-transformers",
        "position": 5,
        "title": "Map every equation in 'Attention Is All You Need' to a line of your own code",
        "done_when": "Each equation in section 3 of the paper is annotated with the line of your "
        "implementation that computes it.",
        "kind": "read",
        "hours": 4,
        "url": "https://arxiv.org/abs/1706.03762",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "transformer-from-scratch",
        "weekly": None,
    },
    {
        "key": "arena-gpt2",
        "was": 6,
        "skill": "deep-learning-and-transformers",
        "position": 6,
        "title": "Work through ARENA 1.1 'Transformers from scratch': build GPT-2 and load its real "
        "weights",
        "done_when": "The exercises' tests pass and your implementation reproduces GPT-2 small's output "
        "on a sample prompt.",
        "kind": "practise",
        "hours": 15,
        "url": "https://learn.arena.education/chapter1_transformer_interp/01_transformers/2-clean-transformer-implementation/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "lets-build-gpt",
        "weekly": None,
    },
    {
        "key": "arena-intro-mech-interp",
        "was": None,
        "skill": "deep-learning-and-transformers",
        "position": 7,
        "title": "Work through ARENA 1.2 'Intro to Mech Interp': use TransformerLens to find induction "
        "heads",
        "done_when": "Your notebook shows attention patterns, an ablation and direct logit attribution "
        "identifying the induction heads in a small model, each plot with a one-line "
        "reading of what it shows.",
        "kind": "practise",
        "hours": 14,
        "url": "https://learn.arena.education/chapter1_transformer_interp/02_intro_mech_interp/",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["interpretability", "alignment-and-ai-safety", "research-scientist"],
        "needs_gpu": False,
        "builds_on": "arena-gpt2",
        "weekly": None,
    },
    {
        "key": "nanogpt-ablation",
        "was": 7,
        "skill": "deep-learning-and-transformers",
        "position": 8,
        "title": "Run one ablation on the character-level Shakespeare model in nanoGPT (deprecated since "
        "Nov 2025, still fine for small ablations)",
        "done_when": "A write-up compares validation-loss curves with and without one change over two or "
        "more seeds each (needs a GPU for the default config; the README's CPU settings "
        "give only a tiny, noisier model).",
        "kind": "build",
        "hours": 12,
        "url": "https://github.com/karpathy/nanoGPT",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": True,
        "builds_on": "transformer-from-scratch",
        "weekly": None,
    },
    {
        "key": "lit-3b1b",
        "was": None,
        "skill": "ai-literacy",
        "position": 1,
        "title": "Watch 3Blue1Brown's neural-network lessons through the attention chapter and explain, "
        "without maths, how a chatbot picks its next word",
        "done_when": "A one-page explainer (or a two-minute recording) covers training data, next-token "
        "prediction and attention, and a non-technical friend can restate it.",
        "kind": "read",
        "hours": 4,
        "url": "https://www.3blue1brown.com/topics/neural-networks",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "lit-intro-llms",
        "was": None,
        "skill": "ai-literacy",
        "position": 2,
        "title": "Watch Karpathy's one-hour 'Intro to Large Language Models' and write a glossary of the "
        "stages it names",
        "done_when": "A one-page glossary defines pretraining, fine-tuning, RLHF, tokens, context window "
        "and jailbreak in your own words, each with one example.",
        "kind": "read",
        "hours": 3,
        "url": "https://www.youtube.com/watch?v=zjkBMFhNj_g",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "lit-illustrated",
        "was": None,
        "skill": "ai-literacy",
        "position": 3,
        "title": "Read 'The Illustrated Transformer' for the ideas, not the code, and draw the data flow "
        "of one block",
        "done_when": "Your labelled sketch shows where attention, the feed-forward layer and the "
        "residual stream sit, and you can say in two sentences what each does.",
        "kind": "read",
        "hours": 3,
        "url": "https://jalammar.github.io/illustrated-transformer/",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "lit-3b1b",
        "weekly": None,
    },
    {
        "key": "lit-system-card-evals",
        "was": None,
        "skill": "ai-literacy",
        "position": 4,
        "title": "Read the evaluation section of one frontier model's system card and explain what each "
        "eval measures",
        "done_when": "A table lists each evaluation, what capability or risk it measures, how it is "
        "scored, and one reason its result could mislead.",
        "kind": "write",
        "hours": 5,
        "url": "",
        "min_rating": 2,
        "max_rating": 3,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "lit-intro-llms",
        "weekly": None,
    },
    {
        "key": "lit-iasr-capabilities",
        "was": None,
        "skill": "ai-literacy",
        "position": 5,
        "title": "Read the capabilities chapter of the International AI Safety Report and check three of "
        "its trend claims against their cited sources",
        "done_when": "A one-page note gives three capability trends with the numbers the report cites, "
        "and for each says whether the cited source supports the claim as stated.",
        "kind": "write",
        "hours": 6,
        "url": "https://internationalaisafetyreport.org/",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "lit-intro-llms",
        "weekly": None,
    },
    {
        "key": "lit-inspect-spec",
        "was": None,
        "skill": "ai-literacy",
        "position": 6,
        "title": "Do the threat-modelling and eval-design exercises of ARENA 3.1 (the section written "
        "for thinking and writing, not coding)",
        "done_when": "A two-page eval specification names one model property, why it matters for safety, "
        "how you would measure it, and which result would change a deployment decision.",
        "kind": "write",
        "hours": 8,
        "url": "https://learn.arena.education/chapter3_llm_evals/01_intro_evals",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "lit-system-card-evals",
        "weekly": None,
    },
    {
        "key": "lit-neuronpedia",
        "was": None,
        "skill": "ai-literacy",
        "position": 7,
        "title": "Explore one model's features in Neuronpedia's browser tools and explain what "
        "interpretability can and cannot show today",
        "done_when": "A one-page note describes two features you inspected (with links), what evidence "
        "supports each label, and one limit of the method.",
        "kind": "practise",
        "hours": 5,
        "url": "https://www.neuronpedia.org/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "lit-illustrated",
        "weekly": None,
    },
    {
        "key": "lit-checked-explainer",
        "was": None,
        "skill": "ai-literacy",
        "position": 8,
        "title": "Write a two-page explainer of one recent technical AI result for policymakers and have "
        "an ML practitioner mark the errors",
        "done_when": "The explainer, with the practitioner's marked-up copy and your corrections "
        "applied, is saved as a writing sample.",
        "kind": "write",
        "hours": 10,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "lit-iasr-capabilities",
        "weekly": None,
    },
    {
        "key": "keshav",
        "was": 1,
        "skill": "reading-papers",
        "position": 1,
        "title": "Read Keshav's 'How to Read a Paper' and do a first pass on three ML papers",
        "done_when": "For each paper you've written the five Cs (category, context, correctness, "
        "contributions, clarity) in five lines.",
        "kind": "practise",
        "hours": 3,
        "url": "https://doi.org/10.1145/1273445.1273458",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pol-system-card",
        "was": None,
        "skill": "reading-papers",
        "position": 2,
        "title": "Read a frontier model's system card and summarise the evidence behind its safety "
        "claims",
        "done_when": "A one-page summary lists the card's three main safety claims, the evidence given "
        "for each, and what the card does not say.",
        "kind": "write",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pol-iasr-summary",
        "was": None,
        "skill": "reading-papers",
        "position": 3,
        "title": "Read the executive summary of the International AI Safety Report and list its key "
        "findings with the confidence it states",
        "done_when": "A one-page list gives each key finding, how confident the report says it is, and "
        "one finding you would want more evidence for.",
        "kind": "read",
        "hours": 3,
        "url": "https://internationalaisafetyreport.org/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "resnet-three-pass",
        "was": 2,
        "skill": "reading-papers",
        "position": 4,
        "title": "Do a three-pass read of the ResNet paper and summarise it in one page",
        "done_when": "Your page names the claim, the key experiment and one limitation, in your own "
        "words, not the abstract's.",
        "kind": "write",
        "hours": 4,
        "url": "https://arxiv.org/abs/1512.03385",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "keshav",
        "weekly": None,
    },
    {
        "key": "reading-log",
        "was": 3,
        "skill": "reading-papers",
        "position": 5,
        "title": "Read one paper or report in your target field a week for four weeks and keep a reading "
        "log",
        "done_when": "Four dated log entries each give the claim, the evidence and one question you "
        "still have.",
        "kind": "practise",
        "hours": 8,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": 4,
    },
    {
        "key": "pol-triangulate-iasr",
        "was": None,
        "skill": "reading-papers",
        "position": 6,
        "title": "Pick three claims from the International AI Safety Report and trace each to its "
        "sources",
        "done_when": "A table gives each claim, the source it cites, what that source actually shows, "
        "and a rating of how well supported the claim is.",
        "kind": "write",
        "hours": 6,
        "url": "https://internationalaisafetyreport.org/",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "pol-system-card",
        "weekly": None,
    },
    {
        "key": "troubling-trends",
        "was": 4,
        "skill": "reading-papers",
        "position": 7,
        "title": "Critique a recent paper using 'Troubling Trends in Machine Learning Scholarship'",
        "done_when": "A one-page critique lists the paper's claims and marks which ones its experiments "
        "actually support.",
        "kind": "write",
        "hours": 5,
        "url": "https://arxiv.org/abs/1807.03341",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "resnet-three-pass",
        "weekly": None,
    },
    {
        "key": "nanda-literature",
        "was": None,
        "skill": "reading-papers",
        "position": 8,
        "title": "Follow the literature part of the first stage of Neel Nanda's 'How To Become A "
        "Mechanistic Interpretability Researcher'",
        "done_when": "A one-page map of the papers you read sorts them by technique (probing, patching, "
        "SAEs, circuits), each with a one-line finding and one open question.",
        "kind": "read",
        "hours": 10,
        "url": "https://www.alignmentforum.org/posts/jP9KDyMkchuv6tHwm/how-to-become-a-mechanistic-interpretability-researcher",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["interpretability", "alignment-and-ai-safety"],
        "needs_gpu": False,
        "builds_on": "keshav",
        "weekly": None,
    },
    {
        "key": "pol-fsf-compare",
        "was": None,
        "skill": "reading-papers",
        "position": 9,
        "title": "Compare two labs' frontier-safety frameworks: what triggers which safeguard, and who "
        "decides",
        "done_when": "A two-page comparison table covers thresholds, evaluations, safeguards and "
        "governance for both, citing section numbers, with one gap each.",
        "kind": "write",
        "hours": 8,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "pol-triangulate-iasr",
        "weekly": None,
    },
    {
        "key": "openreview-review",
        "was": 5,
        "skill": "reading-papers",
        "position": 10,
        "title": "Write a conference-style review, then compare it with the real reviews on OpenReview",
        "done_when": "Your review (summary, strengths, weaknesses, questions) sits next to a note on "
        "what the official reviewers caught that you missed.",
        "kind": "write",
        "hours": 5,
        "url": "https://openreview.net/",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "troubling-trends",
        "weekly": None,
    },
    {
        "key": "pol-referee-report",
        "was": None,
        "skill": "reading-papers",
        "position": 11,
        "title": "Write a referee report on a recent think-tank or government AI report",
        "done_when": "A two-page report states the report's main claims, the weakest piece of evidence, "
        "a missing counter-argument and what would change its conclusion.",
        "kind": "write",
        "hours": 6,
        "url": "",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "pol-fsf-compare",
        "weekly": None,
    },
    {
        "key": "scaling-law-repro",
        "was": 6,
        "skill": "reading-papers",
        "position": 12,
        "title": "Reproduce a small-scale scaling-law plot in the style of Kaplan et al. (needs a GPU)",
        "done_when": "A log-log plot shows loss against parameter count for four or more model sizes, "
        "with your fitted exponent next to the paper's.",
        "kind": "build",
        "hours": 16,
        "url": "https://arxiv.org/abs/2001.08361",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": True,
        "builds_on": "openreview-review",
        "weekly": None,
    },
    {
        "key": "karpathy-recipe",
        "was": 1,
        "skill": "experiments-and-rigour",
        "position": 1,
        "title": "Apply the first steps of Karpathy's 'A Recipe for Training Neural Networks' to a small "
        "model",
        "done_when": "Your notebook shows you checked the loss at initialisation, overfit one batch and "
        "logged a baseline before tuning.",
        "kind": "practise",
        "hours": 5,
        "url": "https://karpathy.github.io/2019/04/25/recipe/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pol-forecasting",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 2,
        "title": "Make 20 forecasts on AI questions on Metaculus, each with a written base rate, over "
        "four weeks",
        "done_when": "A log holds 20 dated forecasts, each with the base rate you started from and the "
        "evidence that moved you; your platform profile shows them.",
        "kind": "practise",
        "hours": 8,
        "url": "https://www.metaculus.com/",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": 4,
    },
    {
        "key": "audit-ml-result",
        "was": 2,
        "skill": "experiments-and-rigour",
        "position": 3,
        "title": "Audit a published ML result for missing baselines and cherry-picking",
        "done_when": "A half-page note lists each claim and whether a baseline, several seeds and "
        "held-out data back it.",
        "kind": "write",
        "hours": 3,
        "url": "https://arxiv.org/abs/1807.03341",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pol-calibration-quiz",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 4,
        "title": "Give 90% confidence intervals for 20 factual questions about AI (compute, funding, "
        "release dates), then score yourself",
        "done_when": "A sheet lists 20 intervals written before you looked anything up, the true values "
        "with sources, and your hit rate against the 90% you aimed for.",
        "kind": "practise",
        "hours": 2,
        "url": "",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pol-triangulation",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 5,
        "title": "Check one contested AI claim in the news against three independent sources",
        "done_when": "A one-page note quotes the claim, what each of three independent sources says, "
        "where they disagree, and your conclusion with a confidence level.",
        "kind": "write",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "preregister",
        "was": 3,
        "skill": "experiments-and-rigour",
        "position": 6,
        "title": "Pre-register a small experiment before you run it",
        "done_when": "A dated note with hypothesis, baseline, metric and the result that would change "
        "your mind predates your first run, and your write-up cites it.",
        "kind": "practise",
        "hours": 6,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "karpathy-recipe",
        "weekly": None,
    },
    {
        "key": "pol-prereg-analysis",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 7,
        "title": "Before researching a policy question, write down your prediction and what evidence "
        "would change it; then do the research",
        "done_when": "A dated note with your prediction, base rate and disconfirming evidence predates a "
        "two-page analysis that reports honestly whether you were wrong.",
        "kind": "write",
        "hours": 8,
        "url": "",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "pol-triangulation",
        "weekly": None,
    },
    {
        "key": "five-seeds",
        "was": 4,
        "skill": "experiments-and-rigour",
        "position": 8,
        "title": "Rerun one result over five seeds and report whether the effect survives",
        "done_when": "A table gives the mean and a confidence interval over five or more seeds and says "
        "whether the gap beats seed noise.",
        "kind": "build",
        "hours": 6,
        "url": "https://arxiv.org/abs/1709.06560",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "preregister",
        "weekly": None,
    },
    {
        "key": "nanda-miniprojects",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 9,
        "title": "Do two 1-5-day mech interp mini-projects as Neel Nanda's guide describes (needs a GPU "
        "for most models)",
        "done_when": "Two short write-ups each state a question, the experiment, one result that could "
        "have come out the other way, and what you would test next.",
        "kind": "build",
        "hours": 30,
        "url": "https://www.alignmentforum.org/posts/jP9KDyMkchuv6tHwm/how-to-become-a-mechanistic-interpretability-researcher",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": ["interpretability", "alignment-and-ai-safety"],
        "needs_gpu": True,
        "builds_on": "preregister",
        "weekly": None,
    },
    {
        "key": "arena-inspect-eval",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 10,
        "title": "Design, generate and run a small safety eval with Inspect, following ARENA 3.1-3.3 "
        "(needs paid model-API credit)",
        "done_when": "An Inspect eval of 50 or more questions runs on two models, and a one-page report "
        "gives the scores with error bars and one check for bias in your questions.",
        "kind": "build",
        "hours": 20,
        "url": "https://learn.arena.education/chapter3_llm_evals/01_intro_evals",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": ["alignment-and-ai-safety", "interpretability", "research-engineer"],
        "needs_gpu": False,
        "builds_on": "preregister",
        "weekly": None,
    },
    {
        "key": "ablation-playbook",
        "was": 5,
        "skill": "experiments-and-rigour",
        "position": 11,
        "title": "Run an ablation study following the Deep Learning Tuning Playbook",
        "done_when": "Your write-up separates scientific, nuisance and fixed hyperparameters and shows "
        "which change caused the gain.",
        "kind": "build",
        "hours": 12,
        "url": "https://github.com/google-research/tuning_playbook",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "five-seeds",
        "weekly": None,
    },
    {
        "key": "pol-calibration",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 12,
        "title": "Score your resolved forecasts and write a calibration review",
        "done_when": "A note gives your Brier score on 10 or more resolved forecasts, a calibration "
        "table, and one habit you changed because of it.",
        "kind": "write",
        "hours": 4,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "pol-forecasting",
        "weekly": None,
    },
    {
        "key": "pol-red-team",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 13,
        "title": "Red-team one of your own analyses: write the strongest case against it and look for "
        "the evidence",
        "done_when": "A one-page counter-case with sources sits beside your original, and the original "
        "now says what changed or why it stands.",
        "kind": "write",
        "hours": 6,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "pol-prereg-analysis",
        "weekly": None,
    },
    {
        "key": "eval-error-bars",
        "was": 6,
        "skill": "experiments-and-rigour",
        "position": 14,
        "title": "Put confidence intervals on an eval and say which model differences are real",
        "done_when": "An eval report gives standard errors per model and marks which pairwise "
        "differences are significant.",
        "kind": "build",
        "hours": 6,
        "url": "https://arxiv.org/abs/2411.00640",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "five-seeds",
        "weekly": None,
    },
    {
        "key": "arena-science-misalignment",
        "was": None,
        "skill": "experiments-and-rigour",
        "position": 15,
        "title": "Work through ARENA 4.2 'Science of Misalignment' and test one alternative explanation "
        "of a case study (needs paid model-API credit)",
        "done_when": "A write-up states one case study's claim, one alternative explanation, the "
        "environment ablation you ran to test it, and what the result shows.",
        "kind": "build",
        "hours": 16,
        "url": "https://learn.arena.education/chapter4_alignment_science/2_science_misalignment/intro",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["alignment-and-ai-safety", "interpretability", "research-scientist"],
        "needs_gpu": False,
        "builds_on": "preregister",
        "weekly": None,
    },
    {
        "key": "null-result",
        "was": 7,
        "skill": "experiments-and-rigour",
        "position": 16,
        "title": "Publish a negative or null result, with what you ruled out",
        "done_when": "A public post states what didn't work, the bug checks you ran, and what evidence "
        "would reopen the question.",
        "kind": "write",
        "hours": 8,
        "url": "",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "ablation-playbook",
        "weekly": None,
    },
    {
        "key": "pg-writing",
        "was": 1,
        "skill": "career-and-communication",
        "position": 1,
        "title": "Read Paul Graham's 'Writing, Briefly' and rewrite an old page with it",
        "done_when": "The rewrite is at most half the length, opens with the point, and a friend "
        "restates it in one sentence.",
        "kind": "write",
        "hours": 3,
        "url": "https://paulgraham.com/writing44.html",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "gopen-swan",
        "was": 2,
        "skill": "career-and-communication",
        "position": 2,
        "title": "Revise a page using Gopen and Swan's topic and stress positions",
        "done_when": "A reader can outline the page from the first sentence of each paragraph alone.",
        "kind": "write",
        "hours": 4,
        "url": "https://www.americanscientist.org/blog/the-long-view/the-science-of-scientific-writing",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "memo-conclusion-first",
        "was": 3,
        "skill": "career-and-communication",
        "position": 3,
        "title": "Write a one-page memo with the conclusion first and have someone edit it",
        "done_when": "The recommendation is in the first two sentences, and the reviewer's edits are "
        "applied.",
        "kind": "write",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "pg-writing",
        "weekly": None,
    },
    {
        "key": "fb-lay-explainer",
        "was": None,
        "skill": "career-and-communication",
        "position": 4,
        "title": "Write a public explainer of one AI-safety idea for a lay audience and test it on two "
        "lay readers",
        "done_when": "A published post of 800-1,200 words, revised after two non-specialists each "
        "restated its point and named the sentence that lost them.",
        "kind": "ship",
        "hours": 8,
        "url": "",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["field-building-and-comms", "policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "memo-conclusion-first",
        "weekly": None,
    },
    {
        "key": "ml-result-post",
        "was": None,
        "skill": "career-and-communication",
        "position": 5,
        "title": "Write up one small result as a blog post with a result figure, using Neel Nanda's "
        "paper-writing advice",
        "done_when": "A public post states one to three claims in its first paragraph, and its one "
        "figure has a caption that says what to conclude.",
        "kind": "write",
        "hours": 8,
        "url": "https://www.lesswrong.com/posts/eJGptPbbFPZGLpjsp/highly-opinionated-advice-on-how-to-write-ml-papers",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "memo-conclusion-first",
        "weekly": None,
    },
    {
        "key": "pol-brief",
        "was": None,
        "skill": "career-and-communication",
        "position": 6,
        "title": "Write a two-page policy brief for a named official on one AI decision they face",
        "done_when": "The brief names its reader and the decision, recommends one option in the first "
        "paragraph, weighs two alternatives, and a policy practitioner's edits are applied.",
        "kind": "write",
        "hours": 10,
        "url": "",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "memo-conclusion-first",
        "weekly": None,
    },
    {
        "key": "fb-reading-group",
        "was": None,
        "skill": "career-and-communication",
        "position": 7,
        "title": "Facilitate one session of a reading group on an AI-safety or governance text",
        "done_when": "A one-page session plan (questions, timings, activity) was used with four or more "
        "people, and you logged what worked and what you'd change.",
        "kind": "practise",
        "hours": 5,
        "url": "",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "weekly-posts",
        "was": 4,
        "skill": "career-and-communication",
        "position": 8,
        "title": "Publish one short post a week for four weeks",
        "done_when": "Four public posts of 600-1,200 words are live, each arguing one claim.",
        "kind": "ship",
        "hours": 16,
        "url": "",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "memo-conclusion-first",
        "weekly": 4,
    },
    {
        "key": "reasoning-transparency",
        "was": 5,
        "skill": "career-and-communication",
        "position": 9,
        "title": "Write a memo with reasoning transparency",
        "done_when": "Each key claim in a 1-2 page memo carries a confidence level and its support, and "
        "a reader can name the weakest one.",
        "kind": "write",
        "hours": 6,
        "url": "https://forum.effectivealtruism.org/posts/i9RJjun327SnT3vW8/reasoning-transparency",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "memo-conclusion-first",
        "weekly": None,
    },
    {
        "key": "pol-consultation",
        "was": None,
        "skill": "career-and-communication",
        "position": 10,
        "title": "Respond to an open public consultation on AI with evidence-backed answers",
        "done_when": "A submitted response answers the consultation's own questions, each answer citing "
        "evidence, and you keep the submission receipt.",
        "kind": "write",
        "hours": 12,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "memo-conclusion-first",
        "weekly": None,
    },
    {
        "key": "fb-bluedot-facilitate",
        "was": None,
        "skill": "career-and-communication",
        "position": 11,
        "title": "Facilitate a BlueDot course cohort, or run its public curriculum for your own group",
        "done_when": "You facilitated every session of one cohort, and your notes record attendance and "
        "one change you made mid-course from participants' feedback.",
        "kind": "practise",
        "hours": 20,
        "url": "https://bluedot.org/",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "fb-reading-group",
        "weekly": 4,
    },
    {
        "key": "steinhardt-paper",
        "was": 6,
        "skill": "career-and-communication",
        "position": 12,
        "title": "Write up a result as a four-page paper following Steinhardt's 'Advice for Authors'",
        "done_when": "A four-page draft has a one-paragraph abstract, a claim per section, and feedback "
        "from one researcher applied.",
        "kind": "write",
        "hours": 16,
        "url": "https://jsteinhardt.stat.berkeley.edu/blog/advice-for-authors",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "ml-result-post",
        "weekly": None,
    },
    {
        "key": "decision-page",
        "was": 7,
        "skill": "career-and-communication",
        "position": 13,
        "title": "Write a page arguing for one decision and send it to the person who makes it",
        "done_when": "The page was sent to the named decision-maker, and your log records the date, any "
        "reply and your follow-up.",
        "kind": "ship",
        "hours": 8,
        "url": "",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "reasoning-transparency",
        "weekly": None,
    },
    {
        "key": "readme-project",
        "was": 1,
        "skill": "portfolio-and-applications",
        "position": 1,
        "title": "Put one project online with a README a stranger can follow",
        "done_when": "A public repo's README states the problem, what you did, the result and how to run "
        "it.",
        "kind": "ship",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pf-writing-sample",
        "was": None,
        "skill": "portfolio-and-applications",
        "position": 2,
        "title": "Publish your best policy memo or explainer as a writing sample",
        "done_when": "One public page holds a 1-2 page piece with a date, a one-line summary, and a note "
        "on who it was written for.",
        "kind": "ship",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "personal-site",
        "was": 2,
        "skill": "portfolio-and-applications",
        "position": 3,
        "title": "Build a one-page personal site that links your best work",
        "done_when": "One URL shows a two-line bio, 2-3 pieces of work with one-line results, your CV "
        "and how to contact you.",
        "kind": "ship",
        "hours": 5,
        "url": "https://docs.github.com/en/pages/quickstart",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "80k-job-board-map",
        "was": None,
        "skill": "portfolio-and-applications",
        "position": 4,
        "title": "Pick three roles on the 80,000 Hours job board and map your evidence to each",
        "done_when": "A table lists each role's top three requirements, your evidence for each, and the "
        "gap you will close first.",
        "kind": "practise",
        "hours": 3,
        "url": "https://jobs.80000hours.org/",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "result-blog-post",
        "was": 3,
        "skill": "portfolio-and-applications",
        "position": 5,
        "title": "Turn one project into a blog post with a result figure",
        "done_when": "A public post of 800-1,500 words with one figure is linked from your site.",
        "kind": "write",
        "hours": 8,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
            "applied-and-product-ml",
        ],
        "needs_gpu": False,
        "builds_on": "readme-project",
        "weekly": None,
    },
    {
        "key": "fb-track-record",
        "was": None,
        "skill": "portfolio-and-applications",
        "position": 6,
        "title": "Write up the events, groups or pieces you have run as a one-page track record with "
        "numbers",
        "done_when": "A page on your site lists each activity with dates, attendance or readership, and "
        "one thing you changed because of feedback.",
        "kind": "write",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "personal-site",
        "weekly": None,
    },
    {
        "key": "hf-demo",
        "was": 4,
        "skill": "portfolio-and-applications",
        "position": 7,
        "title": "Deploy a live demo of one project",
        "done_when": "A public demo link (for example a Hugging Face Space) runs your model on input "
        "someone else types.",
        "kind": "ship",
        "hours": 6,
        "url": "https://huggingface.co/docs/hub/spaces-overview",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["applied-and-product-ml", "research-engineer", "research-scientist"],
        "needs_gpu": False,
        "builds_on": "readme-project",
        "weekly": None,
    },
    {
        "key": "80k-applications",
        "was": 5,
        "skill": "portfolio-and-applications",
        "position": 8,
        "title": "Tailor three applications using 80,000 Hours' job-hunting advice",
        "done_when": "Three applications are sent, each naming the role's top needs and your evidence "
        "for each.",
        "kind": "practise",
        "hours": 8,
        "url": "https://80000hours.org/career-guide/how-to-get-a-job/",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "80k-job-board-map",
        "weekly": None,
    },
    {
        "key": "pol-fellowship-app",
        "was": None,
        "skill": "portfolio-and-applications",
        "position": 9,
        "title": "Apply to a policy fellowship (GovAI, IAPS or Horizon) with a tailored writing sample",
        "done_when": "One application is submitted before its deadline, with a writing sample chosen for "
        "that programme and a statement naming the research question you'd pursue.",
        "kind": "ship",
        "hours": 10,
        "url": "https://www.governance.ai/opportunities/fellowships",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "pol-brief",
        "weekly": None,
    },
    {
        "key": "research-programme-app",
        "was": None,
        "skill": "portfolio-and-applications",
        "position": 10,
        "title": "Apply to a research programme (MATS, SPAR, LASR, Pivotal or ERA) with a short project "
        "write-up",
        "done_when": "One application is submitted with a 1-2 page write-up of a small project you did, "
        "stating the question, the result and what you'd do next.",
        "kind": "ship",
        "hours": 12,
        "url": "https://matsprogram.org/program",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "result-blog-post",
        "weekly": None,
    },
    {
        "key": "portfolio-review",
        "was": 6,
        "skill": "portfolio-and-applications",
        "position": 11,
        "title": "Ask two people in your target track to review your portfolio, then fix what they both "
        "flag",
        "done_when": "Two pieces of written feedback are in hand and the issue both raised is fixed on "
        "your site.",
        "kind": "practise",
        "hours": 4,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "personal-site",
        "weekly": None,
    },
    {
        "key": "field-post",
        "was": 7,
        "skill": "portfolio-and-applications",
        "position": 12,
        "title": "Post a write-up where your target field reads, and answer every comment",
        "done_when": "The post is live on a forum or venue your field reads, and every substantive "
        "comment has a reply.",
        "kind": "ship",
        "hours": 8,
        "url": "",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "portfolio-review",
        "weekly": None,
    },
    {
        "key": "loops-to-matrices",
        "was": 1,
        "skill": "math-you-actually-need",
        "position": 1,
        "title": "Rewrite a linear layer and softmax as plain loops, then as matrix code",
        "done_when": "Your loop version of softmax(Wx + b) matches the NumPy matrix version to six "
        "decimal places.",
        "kind": "practise",
        "hours": 4,
        "url": "",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "3b1b-linalg",
        "was": 2,
        "skill": "math-you-actually-need",
        "position": 2,
        "title": "Work through 3Blue1Brown's Essence of Linear Algebra with pen and paper",
        "done_when": "Without notes you sketch and explain matrix multiplication as composition, "
        "determinants and eigenvectors.",
        "kind": "practise",
        "hours": 8,
        "url": "https://www.3blue1brown.com/topics/linear-algebra",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "3b1b-probability",
        "was": 3,
        "skill": "math-you-actually-need",
        "position": 3,
        "title": "Work through 3Blue1Brown's probability lessons and solve ten Bayes' rule problems",
        "done_when": "Ten worked problems, checked against a simulation in code, sit in one notebook.",
        "kind": "practise",
        "hours": 6,
        "url": "https://www.3blue1brown.com/topics/probability",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "stat110",
        "was": 4,
        "skill": "math-you-actually-need",
        "position": 4,
        "title": "Solve Harvard Stat 110 strategic practice problems on conditioning and expectation",
        "done_when": "Fifteen problems on Bayes' rule, expectation and variance are solved and checked "
        "against the posted solutions.",
        "kind": "practise",
        "hours": 12,
        "url": "https://stat110.hsites.harvard.edu/strategic-practice-problems",
        "min_rating": 2,
        "max_rating": 3,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "3b1b-probability",
        "weekly": None,
    },
    {
        "key": "softmax-gradient",
        "was": 5,
        "skill": "math-you-actually-need",
        "position": 5,
        "title": "Derive the gradient of softmax cross-entropy and check it numerically",
        "done_when": "Your derivation fits on one page, and your script's gradient matches "
        "torch.autograd to 1e-6.",
        "kind": "practise",
        "hours": 4,
        "url": "https://arxiv.org/abs/1802.01528",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "loops-to-matrices",
        "weekly": None,
    },
    {
        "key": "mml-ch4-6",
        "was": 6,
        "skill": "math-you-actually-need",
        "position": 6,
        "title": "Work through the matrix-decomposition (ch. 4) and probability (ch. 6) chapters of "
        "Mathematics for Machine Learning",
        "done_when": "You've solved the chapter exercises and can derive PCA from the eigendecomposition "
        "on one page.",
        "kind": "practise",
        "hours": 35,
        "url": "https://mml-book.github.io/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "3b1b-linalg",
        "weekly": None,
    },
    {
        "key": "mit-1806",
        "was": 7,
        "skill": "math-you-actually-need",
        "position": 7,
        "title": "Do three MIT 18.06 problem sets on least squares, SVD and positive-definite matrices",
        "done_when": "Three problem sets are solved and scored at 80% or more against the posted "
        "solutions.",
        "kind": "practise",
        "hours": 25,
        "url": "https://ocw.mit.edu/courses/18-06-linear-algebra-spring-2010/",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "3b1b-linalg",
        "weekly": None,
    },
    {
        "key": "rederive-paper",
        "was": 8,
        "skill": "math-you-actually-need",
        "position": 8,
        "title": "Re-derive the key equation of a paper you care about in a public note",
        "done_when": "A public note derives one paper's central result step by step, with the "
        "corrections of one mathematically strong reader applied.",
        "kind": "write",
        "hours": 10,
        "url": "",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [
            "research-scientist",
            "research-engineer",
            "interpretability",
            "alignment-and-ai-safety",
        ],
        "needs_gpu": False,
        "builds_on": "mit-1806",
        "weekly": None,
    },
    {
        "key": "80k-governance-review",
        "was": 1,
        "skill": "law-econ-and-policy",
        "position": 1,
        "title": "Read 80,000 Hours' AI governance career review and map the institutions it names",
        "done_when": "A one-page map lists legislatures, regulators, standards bodies and labs, with one "
        "line on what each can do.",
        "kind": "read",
        "hours": 3,
        "url": "https://80000hours.org/career-reviews/ai-policy-and-strategy/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "bluedot-governance",
        "was": 2,
        "skill": "law-econ-and-policy",
        "position": 2,
        "title": "Take BlueDot's Frontier AI Governance course (free, by application), or follow its "
        "curriculum on your own",
        "done_when": "Every unit's readings and exercises are done, with a one-paragraph takeaway per "
        "unit.",
        "kind": "read",
        "hours": 20,
        "url": "https://bluedot.org/courses/ai-governance",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["policy-and-governance", "field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "eu-ai-act-explainer",
        "was": 3,
        "skill": "law-econ-and-policy",
        "position": 3,
        "title": "Write a one-page explainer of the EU AI Act (Regulation (EU) 2024/1689) from the text "
        "on EUR-Lex",
        "done_when": "The page covers who is bound, the risk tiers, general-purpose model duties and "
        "enforcement, cites article numbers, and gives the current dates (the 2026 Digital "
        "Omnibus moved high-risk duties to 2 December 2027 and 2 August 2028).",
        "kind": "write",
        "hours": 6,
        "url": "https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:32024R1689",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "econ-ir-lens",
        "was": None,
        "skill": "law-econ-and-policy",
        "position": 4,
        "title": "Apply one concept from your own discipline (economics, IR or law) to an AI policy "
        "problem in a two-page note",
        "done_when": "The note names the concept (e.g. externalities, arms-race dynamics, liability), "
        "applies it to one real AI policy choice, and states one prediction it makes.",
        "kind": "write",
        "hours": 6,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "frontier-ai-regulation",
        "was": 4,
        "skill": "law-econ-and-policy",
        "position": 5,
        "title": "Critique one proposal in 'Frontier AI Regulation'",
        "done_when": "A two-page response states the strongest objection from law, economics or "
        "international relations, and proposes a fix.",
        "kind": "write",
        "hours": 8,
        "url": "https://arxiv.org/abs/2307.03718",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "80k-governance-review",
        "weekly": None,
    },
    {
        "key": "sb53-vs-gpai-code",
        "was": None,
        "skill": "law-econ-and-policy",
        "position": 6,
        "title": "Compare California SB 53 with the EU GPAI Code of Practice's Safety and Security "
        "chapter for one frontier developer",
        "done_when": "A two-page table sets out, for one named developer, what each instrument requires "
        "(framework, incident reporting, transparency), its legal force and one gap, citing "
        "sections.",
        "kind": "write",
        "hours": 10,
        "url": "https://leginfo.legislature.ca.gov/faces/billTextClient.xhtml?bill_id=202520260SB53",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "eu-ai-act-explainer",
        "weekly": None,
    },
    {
        "key": "nist-vs-eu",
        "was": 5,
        "skill": "law-econ-and-policy",
        "position": 7,
        "title": "Compare the NIST AI RMF with the EU AI Act in a memo for a named reader",
        "done_when": "A two-page memo sets out each instrument's legal force, who it binds and one gap, "
        "for a specific decision-maker.",
        "kind": "write",
        "hours": 8,
        "url": "https://www.nist.gov/itl/ai-risk-management-framework",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "eu-ai-act-explainer",
        "weekly": None,
    },
    {
        "key": "compute-governance",
        "was": 6,
        "skill": "law-econ-and-policy",
        "position": 8,
        "title": "Analyse one compute-governance proposal for feasibility, cost and enforcement",
        "done_when": "A 3-5 page analysis of a proposal from 'Computing Power and the Governance of AI' "
        "has a policy practitioner's critique applied.",
        "kind": "write",
        "hours": 16,
        "url": "https://arxiv.org/abs/2402.08797",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": ["policy-and-governance"],
        "needs_gpu": False,
        "builds_on": "frontier-ai-regulation",
        "weekly": None,
    },
    {
        "key": "rules-of-ml",
        "was": 1,
        "skill": "product-sense",
        "position": 1,
        "title": "Read the 'Before Machine Learning' rules in Google's Rules of ML and apply Rule #1 to "
        "an idea",
        "done_when": "A half-page note says how you'd solve the problem without ML first and what that "
        "baseline would score.",
        "kind": "read",
        "hours": 3,
        "url": "https://developers.google.com/machine-learning/guides/rules-of-ml",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": ["applied-and-product-ml"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "user-interviews",
        "was": 2,
        "skill": "product-sense",
        "position": 2,
        "title": "Interview five potential users before building anything, using The Mom Test's rules (a "
        "paid book)",
        "done_when": "You have notes from five 20-minute conversations about past behaviour, not "
        "opinions of your idea, and a one-paragraph problem statement in the users' words.",
        "kind": "practise",
        "hours": 5,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["applied-and-product-ml"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "pair-spec",
        "was": 3,
        "skill": "product-sense",
        "position": 3,
        "title": "Write a one-page spec for an ML feature with the People + AI Guidebook",
        "done_when": "The spec names the user, their need, a success metric, the cost of errors, and "
        "what happens when the model is wrong.",
        "kind": "write",
        "hours": 5,
        "url": "https://pair.withgoogle.com/guidebook/",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": ["applied-and-product-ml"],
        "needs_gpu": False,
        "builds_on": "user-interviews",
        "weekly": None,
    },
    {
        "key": "error-analysis",
        "was": 4,
        "skill": "product-sense",
        "position": 4,
        "title": "Do an error analysis on 100 real outputs of an LLM feature",
        "done_when": "A sheet labels 100 outputs with failure categories and counts, and the top failure "
        "is now an eval.",
        "kind": "practise",
        "hours": 8,
        "url": "https://hamel.dev/blog/posts/field-guide/",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": ["applied-and-product-ml"],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "eval-suite",
        "was": 5,
        "skill": "product-sense",
        "position": 5,
        "title": "Build an eval suite for a small LLM product and use it to reject a change",
        "done_when": "A repo with assertion tests and a labelled eval runs on every change, and it "
        "blocked at least one change.",
        "kind": "build",
        "hours": 12,
        "url": "https://hamel.dev/blog/posts/evals/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": ["applied-and-product-ml"],
        "needs_gpu": False,
        "builds_on": "error-analysis",
        "weekly": None,
    },
    {
        "key": "ship-feature",
        "was": 6,
        "skill": "product-sense",
        "position": 6,
        "title": "Ship a small ML feature to real users and report what the metric did",
        "done_when": "At least 20 real users used it, and a write-up reports the metric, the baseline "
        "and one thing you'd change.",
        "kind": "ship",
        "hours": 20,
        "url": "https://applied-llms.org/",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": ["applied-and-product-ml"],
        "needs_gpu": False,
        "builds_on": "eval-suite",
        "weekly": None,
    },
    {
        "key": "80k-ops",
        "was": 1,
        "skill": "ops-and-people",
        "position": 1,
        "title": "Read 80,000 Hours on operations management and audit a project you were part of",
        "done_when": "A one-page audit lists what went wrong in a past project or event and the system "
        "that would have prevented it.",
        "kind": "read",
        "hours": 3,
        "url": "https://80000hours.org/articles/operations-management/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "one-session-logistics",
        "was": 2,
        "skill": "ops-and-people",
        "position": 2,
        "title": "Run the logistics for one session of an existing group or event",
        "done_when": "You owned the room, invites, reminders and follow-up for one session, and it "
        "started on time.",
        "kind": "practise",
        "hours": 5,
        "url": "",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "small-event",
        "was": 3,
        "skill": "ops-and-people",
        "position": 3,
        "title": "Run a small event end to end with a checklist",
        "done_when": "An event for 10 or more people happened on the planned date, with a written "
        "checklist, a budget and feedback responses.",
        "kind": "practise",
        "hours": 12,
        "url": "",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "one-session-logistics",
        "weekly": None,
    },
    {
        "key": "shape-up",
        "was": 4,
        "skill": "ops-and-people",
        "position": 4,
        "title": "Plan a project with a fixed time budget using Shape Up",
        "done_when": "A written pitch with problem, appetite, solution sketch and no-gos exists, and the "
        "project shipped within the appetite.",
        "kind": "practise",
        "hours": 8,
        "url": "https://basecamp.com/shapeup",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "retro",
        "was": 5,
        "skill": "ops-and-people",
        "position": 5,
        "title": "Run a retrospective and turn it into a process change",
        "done_when": "A retro with four or more people produced written actions, and one process doc was "
        "updated and is in use.",
        "kind": "practise",
        "hours": 4,
        "url": "https://www.atlassian.com/team-playbook/plays/retrospective",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "one-on-ones",
        "was": 6,
        "skill": "ops-and-people",
        "position": 6,
        "title": "Hold four weekly 1:1s with someone you support",
        "done_when": "Four 1:1s are held with notes, and one change was made because of something raised "
        "in them.",
        "kind": "practise",
        "hours": 6,
        "url": "https://larahogan.me/blog/first-one-on-one-questions/",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": 4,
    },
    {
        "key": "run-a-cohort",
        "was": None,
        "skill": "ops-and-people",
        "position": 7,
        "title": "Run a multi-week reading group or course cohort end to end: recruit, schedule, "
        "facilitate, follow up",
        "done_when": "A cohort of five or more met for four or more weeks on schedule, and your tracker "
        "shows attendance per session and a closing feedback survey.",
        "kind": "practise",
        "hours": 20,
        "url": "",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": ["field-building-and-comms"],
        "needs_gpu": False,
        "builds_on": "small-event",
        "weekly": 4,
    },
    {
        "key": "handover-docs",
        "was": 7,
        "skill": "ops-and-people",
        "position": 8,
        "title": "Write the handover docs so your programme runs without you",
        "done_when": "Someone else ran one cycle of your programme from your docs alone, and you logged "
        "every question they had to ask.",
        "kind": "write",
        "hours": 10,
        "url": "",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "small-event",
        "weekly": None,
    },
    {
        "key": "80k-ai-risk",
        "was": 1,
        "skill": "threat-models",
        "position": 1,
        "title": "Read 80,000 Hours' problem profile on AI risk and summarise its argument",
        "done_when": "A one-page summary lists the argument's premises and says which one you find "
        "weakest and why.",
        "kind": "read",
        "hours": 3,
        "url": "https://80000hours.org/problem-profiles/artificial-intelligence/",
        "min_rating": 1,
        "max_rating": 2,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "bluedot-tais",
        "was": 2,
        "skill": "threat-models",
        "position": 2,
        "title": "Take BlueDot's Technical AI Safety course (free, by application), or follow its "
        "curriculum on your own",
        "done_when": "Every unit is done, with a one-paragraph note per unit on the threat it addresses.",
        "kind": "read",
        "hours": 20,
        "url": "https://bluedot.org/courses/technical-ai-safety",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "catastrophic-risks-map",
        "was": 3,
        "skill": "threat-models",
        "position": 3,
        "title": "Map the risk sources in 'An Overview of Catastrophic AI Risks'",
        "done_when": "A table gives each risk source (malicious use, AI race, organisational, rogue AI) "
        "one concrete scenario and one mitigation.",
        "kind": "write",
        "hours": 6,
        "url": "https://arxiv.org/abs/2306.12001",
        "min_rating": 1,
        "max_rating": 3,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": None,
        "weekly": None,
    },
    {
        "key": "fsf-threats",
        "was": None,
        "skill": "threat-models",
        "position": 4,
        "title": "Read one lab's frontier-safety framework and list which threat models its thresholds "
        "cover",
        "done_when": "A one-page table maps each capability threshold in the framework to the threat "
        "model it guards against, and names one threat it leaves out.",
        "kind": "write",
        "hours": 5,
        "url": "",
        "min_rating": 2,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "catastrophic-risks-map",
        "weekly": None,
    },
    {
        "key": "misalignment-threat-model",
        "was": 4,
        "skill": "threat-models",
        "position": 5,
        "title": "Write out one misalignment threat model step by step",
        "done_when": "A two-page doc takes one threat model from training to harm, with evidence for and "
        "against each step from two or more papers.",
        "kind": "write",
        "hours": 10,
        "url": "https://arxiv.org/abs/2209.00626",
        "min_rating": 3,
        "max_rating": 4,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "catastrophic-risks-map",
        "weekly": None,
    },
    {
        "key": "dangerous-capability-eval",
        "was": 5,
        "skill": "threat-models",
        "position": 6,
        "title": "Design a dangerous-capability evaluation for one threat model",
        "done_when": "A spec says which capability triggers concern, how you'd measure it, and which "
        "result would change a deployment decision.",
        "kind": "write",
        "hours": 12,
        "url": "https://arxiv.org/abs/2305.15324",
        "min_rating": 3,
        "max_rating": 5,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "misalignment-threat-model",
        "weekly": None,
    },
    {
        "key": "carlsmith-estimate",
        "was": 6,
        "skill": "threat-models",
        "position": 7,
        "title": "Estimate one risk by decomposing it into premises, as Carlsmith does",
        "done_when": "A public post gives a probability for each premise, multiplies them out, and "
        "replies to every substantive comment.",
        "kind": "write",
        "hours": 14,
        "url": "https://arxiv.org/abs/2206.13353",
        "min_rating": 4,
        "max_rating": 5,
        "tracks": [],
        "needs_gpu": False,
        "builds_on": "misalignment-threat-model",
        "weekly": None,
    },
]

WORDS = ("title", "done_when", "kind", "hours", "url", "min_rating", "max_rating")
PARKED = 1000  # every seeded position is below this: positions are unique per skill


def _skills_and_levels(apps, db):
    Bucket = apps.get_model("skillmap", "Bucket")
    Skill = apps.get_model("skillmap", "Skill")
    SkillLevel = apps.get_model("skillmap", "SkillLevel")
    Level = apps.get_model("skillmap", "Level")
    buckets = {b.slug: b for b in Bucket.objects.using(db)}
    for fields in NEW_SKILLS:
        if fields["bucket"] in buckets:
            Skill.objects.using(db).get_or_create(
                slug=fields["slug"], defaults={**fields, "bucket": buckets[fields["bucket"]]}
            )
    for slug, (seeded, now) in QUESTIONS.items():
        Skill.objects.using(db).filter(slug=slug, question=seeded).update(question=now)
    skills = {s.slug: s for s in Skill.objects.using(db)}
    for slug, descriptions in SKILL_LEVELS.items():
        if slug not in skills:
            continue
        seeded = SEEDED_LEVELS.get(slug)
        for rating, text in enumerate(descriptions, start=1):
            rows = SkillLevel.objects.using(db).filter(skill=skills[slug], rating=rating)
            if seeded is None:
                if not rows.exists():
                    SkillLevel.objects.using(db).create(
                        skill=skills[slug], rating=rating, description=text
                    )
            else:
                rows.filter(description=seeded[rating - 1]).update(description=text)
    for slug, (seeded, now) in TARGETS.items():
        Level.objects.using(db).filter(slug=slug, target=seeded).update(target=now)
    for slug, (seeded, now) in APP_MEANINGS.items():
        Level.objects.using(db).filter(slug=slug, app_meaning=seeded).update(app_meaning=now)
    return skills


def _cells(apps, db, skills):
    Requirement = apps.get_model("skillmap", "Requirement")
    for key, (seeded, now) in MEASURED_BY.items():
        track, bucket = key.split("/")
        requirement = (
            Requirement.objects.using(db).filter(track__slug=track, bucket__slug=bucket).first()
        )
        if requirement is None:
            continue
        current = [s.slug for s in requirement.measured_by.order_by("position", "id")]
        if sorted(current) == sorted(seeded) and all(s in skills for s in now):
            requirement.measured_by.set([skills[s] for s in now])


def _steps(apps, db, skills):
    Step = apps.get_model("skillmap", "Step")
    Track = apps.get_model("skillmap", "Track")
    if Step.tracks.through.objects.using(db).exists():
        return  # steps already name their tracks: staff's arrangement (or this, run before)
    tracks = {t.slug: t for t in Track.objects.using(db)}
    seeded = {(s["skill"], s["position"]): s for s in SEEDED_STEPS}
    existing = {
        (st.skill.slug, st.position): st for st in Step.objects.using(db).select_related("skill")
    }
    Step.objects.using(db).update(position=F("position") + PARKED)
    by_key = {}
    for new in STEPS:
        if new["skill"] not in skills:
            continue
        place = (new["skill"], new["was"])
        if new["was"] is not None and place not in existing:
            continue  # staff deleted this seeded step
        step = existing.get(place) if new["was"] is not None else None
        if step is None:
            step = Step(skill=skills[new["skill"]], **{k: new[k] for k in WORDS})
        elif all(getattr(step, k) == seeded[place][k] for k in WORDS):
            for k in WORDS:
                setattr(step, k, new[k])
        step.position = new["position"]
        step.needs_gpu = new["needs_gpu"]
        step.weekly = new["weekly"]
        step.save(using=db)
        step.tracks.set([tracks[t] for t in new["tracks"] if t in tracks])
        by_key[new["key"]] = step
    for new in STEPS:
        if new["builds_on"] and new["key"] in by_key and new["builds_on"] in by_key:
            step = by_key[new["key"]]
            step.builds_on = by_key[new["builds_on"]]
            step.save(using=db, update_fields=["builds_on"])
    # Steps staff added keep their order, after the seeded ones.
    last = {}
    for new in STEPS:
        last[new["skill"]] = max(last.get(new["skill"], 0), new["position"])
    for step in Step.objects.using(db).filter(position__gte=PARKED).order_by("skill", "position"):
        last[step.skill.slug] = last.get(step.skill.slug, 0) + 1
        step.position = last[step.skill.slug]
        step.save(using=db, update_fields=["position"])


def forwards(apps, schema_editor):
    db = schema_editor.connection.alias
    Track = apps.get_model("skillmap", "Track")
    MapRevision = apps.get_model("skillmap", "MapRevision")
    if not Track.objects.using(db).exists():
        return
    skills = _skills_and_levels(apps, db)
    _cells(apps, db, skills)
    _steps(apps, db, skills)
    MapRevision.objects.using(db).filter(id=1).update(number=F("number") + 1)


class Migration(migrations.Migration):
    dependencies = [("skillmap", "0009_step_tracks")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
