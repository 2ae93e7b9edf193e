# expect: \.ociVersion
.ociVersion = 1
