print("flowlab")
