"""Enterprise offers (ưu đãi) for team members: publish, claim a code, redeem."""
