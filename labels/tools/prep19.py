"""Round AH: 350 more news pages, sampled as rounds E-AF were, 7 batches of 50; round AI: 40 of
them labelled a second time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("AH", 350, "AI", 40)
