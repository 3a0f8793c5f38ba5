"""Round N: 400 more news pages, sampled as rounds E-J were, 8 batches of 50; round O: 40 of
them labelled a second time, by other annotators (agreement), 2 batches of 20."""
from workspace import round_with_agreement

round_with_agreement("N", 400, "O", 40, second_size=20)
