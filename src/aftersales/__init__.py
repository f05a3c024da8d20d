"""aftersales — 售后服务管理系统: service requests, complaints, installed base and follow-up."""
