"""15 written the way the course's test.py is written: `Image.open(img_path)`, `image.convert('RGB')`,
`torchvision.transforms.Compose([Resize((32,32)), ToTensor()])`, `image.reshape([1,3,32,32])`,
`model.eval()` then `with torch.no_grad():`, and `output.argmax(1)`; the course's `torch.load("zl_1.pth")`
for a whole model, with the CPU map location the contract asks for."""
import torch
import torchvision
from PIL import Image


def load_image(path):
    image = Image.open(path)
    image = image.convert('RGB')
    transform = torchvision.transforms.Compose([torchvision.transforms.Resize((32, 32)),
                                                torchvision.transforms.ToTensor()])
    image = transform(image)
    image = image.reshape([1, 3, 32, 32])
    return image


def predict(model, image_path, classes):
    image = load_image(image_path)
    model.eval()
    with torch.no_grad():
        output = model(image)
    index = output.argmax(1).item()
    return index, classes[index]


def load_model_cpu(path):
    model = torch.load(path, map_location=torch.device('cpu'))
    return model
