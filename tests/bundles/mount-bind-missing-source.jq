# expect: \.mounts\[[0-9]+\].*no-such-source
.mounts += [{"destination": "/mnt", "type": "bind", "source": "/no-such-source-dir", "options": ["rbind"]}]
