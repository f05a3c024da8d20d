from ninja import Router

router = Router(tags=["installed_base"])
