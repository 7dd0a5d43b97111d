"""A Python handler as `sam init` writes it (hello_world/app.py), run by
Portico's own Python runtime client: runtime python3.12, handler
app.lambda_handler."""
import json

PETS = {"1": {"id": 1, "type": "dog", "price": 249.99}, "2": {"id": 2, "type": "cat", "price": 124.99}}


def lambda_handler(event, context):
    pet_id = event["pathParameters"]["id"]
    print(f"looking up pet {pet_id}")
    pet = PETS.get(pet_id)
    if pet is None:
        return {"statusCode": 404, "headers": {"Content-Type": "application/json"},
                "body": json.dumps({"message": f"no pet {pet_id}"})}
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"runtime": "python", "function": context.function_name, "pet": pet}),
    }
