print("tensorgraph")
