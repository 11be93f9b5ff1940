"""English ordinals: the club counts its sessions ("the 21st Distributed Systems Paper Club")."""


def ordinal(number: int) -> str:
    """Return `number` with its English ordinal suffix: 1st, 2nd, 3rd, 4th, 11th, 21st, 111th."""
    number = int(number)
    # 11, 12 and 13 (and 111, 212, ...) take "th" although they end in 1, 2 and 3.
    if abs(number) % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(abs(number) % 10, "th")
    return f"{number}{suffix}"
