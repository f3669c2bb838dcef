"""What the tests build their small fictional worlds from."""

PASSWORD = "correct-horse-battery-staple"
