# expect: \.linux\.resources\.cpu\.shares
.linux.resources.cpu = {"shares": -5}
