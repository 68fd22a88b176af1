"""Go: the game engine the course's policy/value networks plug into.

``board`` (rules, incremental groups, superko, Tromp-Taylor scoring), ``coords`` (GTP/SGF
coordinates), ``sgf`` (game records), ``playout`` (light rollouts), ``mcts`` (UCT+RAVE and PUCT
with a pluggable evaluator), ``fastboard``/``fastsearch`` (the numba-compiled board, heavy
playouts and RAVE search that the ``mcts`` engine plays), ``gtp`` (GTP v2 engine and client), ``arena`` (matches, Elo, round
robins) and ``cli`` (``deepdojo gtp`` and ``deepdojo arena``).
"""
