"""12 written the way the course writes it: vgg16(pretrained=False) (deprecated, still the same as
weights=None), classifier.add_module('add_linear', nn.Linear(in_features=1000, out_features=10)) and
classifier[6] = nn.Linear(in_features=4096, out_features=10)."""
import torchvision
from torch import nn


def append_layer(model, num_classes=10):
    model.classifier.add_module('add_linear', nn.Linear(in_features=1000, out_features=num_classes))
    return model


def replace_head(model, num_classes=10):
    model.classifier[6] = nn.Linear(in_features=4096, out_features=num_classes)
    return model


def build_vgg16_cifar10():
    vgg16_false = torchvision.models.vgg16(pretrained=False)
    vgg16_false.classifier[6] = nn.Linear(in_features=4096, out_features=10)
    return vgg16_false
