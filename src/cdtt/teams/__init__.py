"""Community Digital Technology Teams: teams, members and the organisations behind them."""
