# expect: \.mounts\[[0-9]+\].*nosuchfs
.mounts += [{"destination": "/mnt", "type": "nosuchfs", "source": "none"}]
