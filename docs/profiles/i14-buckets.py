#!/usr/bin/env python3
# Shares of a stream thread by where its samples were: python3 i14-buckets.py FILE.collapsed (from maia profile --collapsed).
import sys
# first bucket (in this order) whose frame prefix is on the stack
B=[("position writes to the store (recordApplied)",["ChronicleReplicaStore.recordApplied"]),
   ("Chronicle put of the entry (putResolved)",["ChronicleReplicaStore.putResolved"]),
   ("siblings lookup (ChronicleReplicaStore.siblings)",["ChronicleReplicaStore.siblings"]),
   ("current state lookup (ChronicleReplicaStore.winning)",["ChronicleReplicaStore.winning"]),
   ("decode + checksum (codec.decode)",["SingleObjectWalCodec.decode"]),
   ("listing index (ListingIndex)",["ListingIndex."]),
   ("metrics (ApplyMetrics)",["ApplyMetrics."]),
   ("topic parse (WalTopics.parse)",["WalTopics.parse"]),
   ("tenant holding (TenantHolding)",["TenantHolding","ApplyService.lambda"]),
   ("positions in memory (PositionTracker other)",["PositionTracker."]),
   ("listeners (usage, bench)",["UsageReporter.","BenchListener."]),
   ("rest of ApplyProcessor",["ApplyProcessor."]),
   ("Streams commit",["TaskManager.commit","StreamThread.maybeCommit","TaskExecutor.commit"]),
   ("Streams poll/fetch",["StreamThread.pollRequests","StreamThread.pollPhase","KafkaConsumer.poll","ClassicKafkaConsumer.poll","AsyncKafkaConsumer.poll"]),
   ("Streams punctuate",["TaskManager.punctuate"]),
   ("Streams per-record (process loop, queues, metrics)",["StreamThread."]),
   ]
tot=0; c={b[0]:0 for b in B}; other=0
for line in open(sys.argv[1]):
    stack,n=line.rstrip('\n').rsplit(' ',1); n=int(n); fr=stack.split(';'); tot+=n
    for name,ps in B:
        if any(f.startswith(p) for f in fr for p in ps):
            c[name]+=n; break
    else: other+=n
print(f"{tot} samples")
print("| share | where (first bucket of this list on the stack) |\n|---|---|")
for name,_ in B:
    if c[name]: print(f"| {100*c[name]/tot:.1f}% | {name} |")
print(f"| {100*other/tot:.1f}% | other |")
