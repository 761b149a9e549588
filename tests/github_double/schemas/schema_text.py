"""What the derive_*.py scripts share: GitHub's schemas without their prose."""


def without_descriptions(node):
    """`node` with every "description" key dropped, at any depth (the shared files carry none)."""
    if isinstance(node, dict):
        return {k: without_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [without_descriptions(v) for v in node]
    return node
