# expect: \.mounts\[[0-9]+\]\.options\[0\]
.mounts += [{"destination": "/mnt", "type": "tmpfs", "source": "tmpfs", "options": [1]}]
