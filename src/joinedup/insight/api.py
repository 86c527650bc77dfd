from ninja import Router

router = Router(tags=["partnership health"])
