# expect: \.process
.process = "sh"
