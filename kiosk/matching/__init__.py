"""Job offers: importing a feed, and ranking offers for a visitor with a reason for each."""
