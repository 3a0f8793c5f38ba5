"""Round AJ: the last 332 news pages of the pool, sampled as rounds E-AH were (the seeded
draw orders them), 6 batches of 50 and one of 32; round AK: 40 of them labelled a second
time, by another annotator (agreement), 1 batch of 40."""
from workspace import round_with_agreement

round_with_agreement("AJ", 332, "AK", 40)
