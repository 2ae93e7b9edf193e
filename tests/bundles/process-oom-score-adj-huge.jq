# expect: \.process\.oomScoreAdj
.process.oomScoreAdj = 100000
