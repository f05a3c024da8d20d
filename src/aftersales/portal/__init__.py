"""Customer portal pages: a customer's own units and their coverage; calls other apps' selectors only."""
