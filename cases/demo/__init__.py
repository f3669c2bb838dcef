"""The fictional demo scenario. Every person in it is invented."""
