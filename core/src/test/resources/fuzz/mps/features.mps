* every MPS feature the reader knows, in free layout (written for the fuzzing corpus)
NAME          FEATURES
OBJSENSE
    MAX
OBJNAME
    profit
ROWS
 N  cost
 N  profit
 L  lim1
 G  lim2
 E  bal
COLUMNS
    x   profit   2.0   lim1   1.0
    x   lim2     1.0   bal    1.0
    y   profit   3.0   lim1   1.0
    y   bal     -1.0
    z   profit   1.0   lim2   2.0
RHS
    rhs   lim1   10   lim2   1
    rhs   bal     0   profit -4
    other lim1    5
RANGES
    rng   lim1    4   lim2   3
    rng   bal    -2
BOUNDS
 UP bnd x 4
 LO bnd y -1
 UP bnd y 6
 MI bnd z
 UP bnd z -1
 FR bnd2 x
ENDATA
