"""Running untrusted submissions: the child that records observations, and the runner around it."""
