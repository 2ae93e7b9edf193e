# expect: \.process\.apparmorProfile
.process.apparmorProfile = 5
