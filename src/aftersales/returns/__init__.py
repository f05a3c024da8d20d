"""Returns and exchanges (R1–R4): return requests and notes (退库产品申请单 / 产品退货单) and sales discount certificates (销货折扣证明单)."""
