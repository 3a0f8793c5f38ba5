"""``python -m zhclean`` runs the command-line interface."""
from zhclean.cli import main

if __name__ == "__main__":
    main(prog_name="zhclean")
