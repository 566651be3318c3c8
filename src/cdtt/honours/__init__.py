"""Honours on Digital Transformation Day and the Prime Minister's dialogue: rounds, nominations, the review chain, decisions, awards."""
