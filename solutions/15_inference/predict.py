"""Exercise 15 · Using the trained model (模型验证).

The course's last step (`test.py`): take an image found online, turn it into
the network's input and ask the trained model what it shows. The traps the
course hits: a PNG has a fourth, alpha channel and some images are grayscale,
so convert to RGB first; the network wants a batch, (1, 3, 32, 32); prediction
runs in eval mode without autograd; and a whole model saved on a GPU needs
`map_location` to load on a CPU-only machine.
"""

import torch
import torchvision
from PIL import Image


def load_image(path):
    """The image at `path` as the network's input: a float32 tensor (1, 3, 32, 32) with values in [0, 1].

    Convert to RGB, then `Resize((32, 32))` and `ToTensor()`, then add the batch dimension.
    """
    ### BEGIN SOLUTION
    image = Image.open(path).convert("RGB")
    transform = torchvision.transforms.Compose(
        [
            torchvision.transforms.Resize((32, 32)),
            torchvision.transforms.ToTensor(),
        ]
    )
    image = transform(image)
    return torch.reshape(image, (1, 3, 32, 32))
    ### END SOLUTION


def predict(model, image_path, classes):
    """`(index, class_name)` that `model` predicts for the image at `image_path`; `classes[index]` names
    it."""
    ### BEGIN SOLUTION
    image = load_image(image_path)
    model.eval()
    with torch.no_grad():
        output = model(image)
    index = output.argmax(1).item()
    return index, classes[index]
    ### END SOLUTION


def load_model_cpu(path):
    """The whole model saved with `torch.save(model, path)` on a GPU, loaded onto the CPU."""
    ### BEGIN SOLUTION
    return torch.load(path, map_location=torch.device("cpu"), weights_only=False)
    ### END SOLUTION
