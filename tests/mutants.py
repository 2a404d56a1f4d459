"""Realistic wrong submissions, written as small edits of the reference solutions.

Each mutant is one mistake beginners really make (many straight from the
course's notes) and names the hidden checks that must lose points for it.
Keeping them as edits, not copies, means they follow the solutions as those
change, and an edit that no longer applies fails loudly.

Run as a script to write a whole "buggy student" submission (one mistake per
exercise) for the demo:  python tests/mutants.py build/buggy-submission
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

KIT_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Mutant:
    name: str
    exercise: str
    edits: tuple[tuple[str, str], ...]
    loses: tuple[str, ...]  # hidden checks (name, or name prefix for parametrised ones) that must fail

    @property
    def slow(self) -> bool:
        """Grading it trains a network on the full plan (14, 18) or exports ONNX files (19): seconds each."""
        return self.exercise in ("14_cifar10_training", "18_mnist", "19_onnx_export")


MUTANTS = (
    Mutant(
        "numpy_view_copies_the_array",
        "01_tensors",
        (("return torch.from_numpy(array)", "return torch.tensor(array)"),),
        ("numpy_view_shares_memory_with_the_array",),
    ),
    Mutant(
        "from_nested_with_torch_Tensor",
        "01_tensors",
        (("return torch.tensor(data)", "return torch.Tensor(data)"),),
        ("from_nested_infers_the_dtype",),
    ),
    Mutant(
        "like_rand_without_dtype",
        "01_tensors",
        (("torch.rand_like(t, dtype=torch.float32)", "torch.rand_like(t)"),),
        ("like_gives_float32_uniform_random_values",),
    ),
    Mutant(
        "join_cats_where_it_should_stack",
        "01_tensors",
        (("torch.stack([a, b], dim=0)", "torch.cat([a, b], dim=0)"),),
        ("join_stacks_along_a_new_dim_0",),
    ),
    Mutant(
        "matrix_product_with_star",
        "01_tensors",
        (("return a * b, a @ b.T", "return a * b, a * b.T"),),
        ("products_multiplies_a_by_b_transposed",),
    ),
    Mutant(
        "element_wise_product_with_at",
        "01_tensors",
        (("return a * b, a @ b.T", "return a @ b, a @ b.T"),),
        ("products_multiplies_element_by_element",),
    ),
    Mutant(
        "add_returns_a_copy",
        "01_tensors",
        (("    t.add_(value)\n    return t\n", "    t.add_(value)\n    return t.clone()\n"),),
        ("add_in_place_returns_the_same_tensor",),
    ),
    Mutant(
        "transpose_by_reshaping",
        "01_tensors",
        (("np.transpose(rows, (1, 0))", "np.reshape(rows, (3, 2))"),),
        ("reshape_ops_transposes_the_2_by_3_reshape",),
    ),
    Mutant(
        "argmax_gives_the_largest_value",
        "01_tensors",
        (("int(np.argmax(array))", "int(np.max(array))"),),
        ("reshape_ops_gives_the_index_of_the_largest_value",),
    ),
    Mutant(
        "bgr_swapped_in_place",
        "01_tensors",
        (
            (
                "    return np.ascontiguousarray(image[:, :, ::-1])\n",
                "    image[:, :, [0, 2]] = image[:, :, [2, 0]]\n    return image\n",
            ),
        ),
        ("bgr_to_rgb_leaves_the_input_unchanged",),
    ),
    Mutant(
        "dataset_keeps_non_image_files",
        "02_custom_dataset",
        (
            (
                "if name.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(folder, name))",
                "if os.path.isfile(os.path.join(folder, name))",
            ),
        ),
        ("length_counts_only_image_files",),
    ),
    Mutant(
        "dataset_forgets_convert_rgb",
        "02_custom_dataset",
        (('image = opened.convert("RGB")', "image = opened.copy()"),),
        ("items_are_rgb_images_in_sorted_file_name_order",),
    ),
    Mutant(
        "dataset_keeps_the_listdir_order",
        "02_custom_dataset",
        (("self.image_names = sorted(", "self.image_names = list("),),
        ("items_are_rgb_images_in_sorted_file_name_order",),
    ),
    Mutant(
        "dataset_ignores_the_transform",
        "02_custom_dataset",
        (("        if self.transform is not None:\n            image = self.transform(image)\n", ""),),
        ("transform_is_applied_to_each_image",),
    ),
    Mutant(
        "build_dataset_ignores_the_order",
        "02_custom_dataset",
        (("for label in label_dirs])", "for label in sorted(label_dirs)])"),),
        ("build_dataset_concatenates_in_the_given_order",),
    ),
    Mutant(
        "build_dataset_drops_the_transform",
        "02_custom_dataset",
        (("LabeledImageFolder(root_dir, label, transform)", "LabeledImageFolder(root_dir, label)"),),
        ("build_dataset_passes_the_transform_on",),
    ),
    Mutant(
        "line_swaps_value_and_step",
        "03_tensorboard",
        (("writer.add_scalar(tag, 2 * x, x)", "writer.add_scalar(tag, x, 2 * x)"),),
        ("line_writes_value_2x_at_step_x",),
    ),
    Mutant(
        "line_defaults_to_10_points",
        "03_tensorboard",
        (('def log_line(log_dir, tag="y=2x", n=100):', 'def log_line(log_dir, tag="y=2x", n=10):'),),
        ("line_uses_the_course_defaults",),
    ),
    Mutant(
        "line_forgets_to_close_the_writer",
        "03_tensorboard",
        (
            (
                "        writer.add_scalar(tag, 2 * x, x)\n    writer.close()\n",
                "        writer.add_scalar(tag, 2 * x, x)\n",
            ),
        ),
        ("writer_is_closed[log_line]",),
    ),
    Mutant(
        "images_with_add_image",
        "03_tensorboard",
        (("writer.add_images(tag, batch, step)", "writer.add_image(tag, batch, step)"),),
        ("images_are_written_one_batch_per_step",),
    ),
    Mutant(
        "images_all_at_step_0",
        "03_tensorboard",
        (("writer.add_images(tag, batch, step)", "writer.add_images(tag, batch, 0)"),),
        ("images_are_written_one_batch_per_step",),
    ),
    Mutant(
        "images_scaled_to_255",
        "03_tensorboard",
        (("writer.add_images(tag, batch, step)", "writer.add_images(tag, batch * 255, step)"),),
        ("image_pixels_are_the_batch_values",),
    ),
    Mutant(
        "graph_writer_left_open",
        "03_tensorboard",
        (
            (
                "    with SummaryWriter(log_dir) as writer:\n        writer.add_graph(model, "
                "example_input)\n",
                "    writer = SummaryWriter(log_dir)\n    writer.add_graph(model, example_input)\n",
            ),
        ),
        ("writer_is_closed[log_graph]",),
    ),
    Mutant(
        "to_tensor_forgets_to_divide_by_255",
        "04_transforms",
        (("contiguous().to(torch.float32) / 255", "contiguous().to(torch.float32)"),),
        ("to_tensor_equals_torchvision",),
    ),
    Mutant(
        "to_tensor_reads_pil_images_only",
        "04_transforms",
        (
            (
                "    array = np.array(img, dtype=np.uint8)\n",
                "    array = np.array(img.getdata(), dtype=np.uint8).reshape(img.size[1], img.size[0], -1)\n",
            ),
        ),
        ("to_tensor_accepts_an_hwc_uint8_array",),
    ),
    Mutant(
        "to_tensor_calls_torchvision",
        "04_transforms",
        (("    array = np.array(img, dtype=np.uint8)\n", "    return transforms.ToTensor()(img)\n"),),
        ("to_tensor_is_written_by_hand",),
    ),
    Mutant(
        "to_tensor_aliases_torchvision_functional",
        "04_transforms",
        (
            (
                "from torchvision import transforms\n",
                "from torchvision import transforms\nfrom torchvision.transforms.functional import to_tensor "
                "as _convert\n",
            ),
            ("    array = np.array(img, dtype=np.uint8)\n", "    return _convert(img)\n"),
        ),
        ("to_tensor_is_written_by_hand",),
    ),
    Mutant(
        "normalize_calls_torchvision",
        "04_transforms",
        (
            (
                "    return (tensor - mean) / std\n",
                "    return transforms.Normalize(mean.flatten(), std.flatten())(tensor)\n",
            ),
        ),
        ("normalize_is_written_by_hand",),
    ),
    Mutant(
        "normalize_works_in_place",
        "04_transforms",
        (("return (tensor - mean) / std", "return tensor.sub_(mean).div_(std)"),),
        ("normalize_leaves_its_input_unchanged",),
    ),
    Mutant(
        "normalize_multiplies_by_std",
        "04_transforms",
        (("return (tensor - mean) / std", "return (tensor - mean) * std"),),
        ("normalize_equals_torchvision",),
    ),
    Mutant(
        "pipeline_to_tensor_before_resize",
        "04_transforms",
        (
            (
                "            transforms.Resize(size),\n            transforms.ToTensor(),\n",
                "            transforms.ToTensor(),\n            transforms.Resize(size),\n",
            ),
        ),
        ("pipeline_resizes_converts_and_normalizes",),
    ),
    Mutant(
        "pipeline_normalizes_before_to_tensor",
        "04_transforms",
        (
            (
                "            transforms.ToTensor(),\n            transforms.Normalize(mean, std),\n",
                "            transforms.Normalize(mean, std),\n            transforms.ToTensor(),\n",
            ),
        ),
        ("pipeline_resizes_converts_and_normalizes",),
    ),
    Mutant(
        "loader_seeds_the_global_generator",
        "05_dataloader",
        (("generator = torch.Generator().manual_seed(seed)", "generator = torch.manual_seed(seed)"),),
        ("make_loader_same_seed_gives_the_same_order", "make_loader_order_ignores_the_global_random_state"),
    ),
    Mutant(
        "loader_ignores_the_seed",
        "05_dataloader",
        (
            (
                "generator = torch.Generator().manual_seed(seed)",
                "generator = torch.Generator().manual_seed(0)",
            ),
        ),
        ("make_loader_order_follows_the_seed",),
    ),
    Mutant(
        "loader_always_shuffles",
        "05_dataloader",
        (("shuffle=shuffle", "shuffle=True"),),
        ("make_loader_without_shuffle_gives_the_items_in_order",),
    ),
    Mutant(
        "batch_count_off_by_one",
        "05_dataloader",
        (("return (n + batch_size - 1) // batch_size", "return n // batch_size + 1"),),
        ("batch_count_of_an_exact_multiple",),
    ),
    Mutant(
        "batch_count_returns_a_float",
        "05_dataloader",
        (
            ("import torch\n", "import numpy as np\nimport torch\n"),
            ("return (n + batch_size - 1) // batch_size", "return np.ceil(n / batch_size)"),
        ),
        ("batch_count_gives_the_course_figures",),
    ),
    Mutant(
        "loader_ignores_drop_last",
        "05_dataloader",
        (("drop_last=drop_last, generator", "drop_last=False, generator"),),
        ("make_loader_drops_the_last_partial_batch",),
    ),
    Mutant(
        "first_batch_gives_the_last_batch",
        "05_dataloader",
        (("    images, labels = next(iter(loader))\n", "    for images, labels in loader:\n        pass\n"),),
        ("first_batch_gives_the_first_images_and_labels",),
    ),
    Mutant(
        "conv_forward_forgets_return",
        "06_conv_shapes",
        (("return self.conv1(x)", "self.conv1(x)"),),
        ("forward_returns_the_convolution_output",),
    ),
    Mutant(
        "conv_size_as_a_numpy_float",
        "06_conv_shapes",
        (
            (
                "import torch\nimport torch.nn.functional as F\n",
                "import numpy as np\nimport torch\nimport torch.nn.functional as F\n",
            ),
            (
                "return (size + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1",
                "return np.floor((size + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1",
            ),
        ),
        ("output_size_is_an_int",),
    ),
    Mutant(
        "conv_net_without_bias",
        "06_conv_shapes",
        (("kernel_size=3, stride=1, padding=0)\n", "kernel_size=3, stride=1, padding=0, bias=False)\n"),),
        ("forward_computes_a_3_to_6_channel_3x3_convolution",),
    ),
    Mutant(
        "conv_net_with_stride_2",
        "06_conv_shapes",
        (("kernel_size=3, stride=1, padding=0)\n", "kernel_size=3, stride=2, padding=0)\n"),),
        ("forward_computes_a_3_to_6_channel_3x3_convolution",),
    ),
    Mutant(
        "conv_size_ignores_dilation",
        "06_conv_shapes",
        (("- dilation * (kernel_size - 1) - 1) // stride", "- (kernel_size - 1) - 1) // stride"),),
        ("output_size_matches_nn_conv2d_on_a_grid",),
    ),
    Mutant(
        "maxpool_of_a_long_tensor",
        "07_maxpool",
        (("return self.maxpool1(x.to(torch.float32))", "return self.maxpool1(x)"),),
        ("net_pools_long_tensors_into_float32",),
    ),
    Mutant(
        "pool_size_defaults_stride_to_1",
        "07_maxpool",
        (("stride = kernel_size\n", "stride = 1\n"),),
        ("output_size_defaults_stride_to_kernel_size",),
    ),
    Mutant(
        "pool_ceil_mode_keeps_windows_in_the_padding",
        "07_maxpool",
        (("        if (out - 1) * stride >= size + padding:\n            out -= 1\n", ""),),
        ("ceil_mode_drops_a_window_that_starts_in_the_padding",),
    ),
    Mutant(
        "pool_size_returns_a_float",
        "07_maxpool",
        (("    return out\n", "    return float(out)\n"),),
        ("output_size_is_an_int",),
    ),
    Mutant(
        "maxpool_net_forgets_return",
        "07_maxpool",
        (("return self.maxpool1(x.to(torch.float32))", "self.maxpool1(x.to(torch.float32))"),),
        ("net_matches_maxpool_3_with_ceil_mode_on_random_inputs",),
    ),
    Mutant(
        "maxpool_net_without_ceil_mode",
        "07_maxpool",
        (
            (
                "self.maxpool1 = nn.MaxPool2d(kernel_size=3, ceil_mode=True)",
                "self.maxpool1 = nn.MaxPool2d(kernel_size=3)",
            ),
        ),
        ("net_matches_maxpool_3_with_ceil_mode_on_random_inputs",),
    ),
    Mutant(
        "sigmoid_overflows",
        "08_activations",
        (
            (
                "    z = torch.exp(-x.abs())\n    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))\n",
                "    return torch.exp(x) / (1 + torch.exp(x))\n",
            ),
        ),
        ("sigmoid_is_stable_for_inputs_of_100",),
    ),
    Mutant(
        "relu_in_place_returns_a_copy",
        "08_activations",
        (("    x.clamp_(min=0)\n    return x\n", "    return x.clamp(min=0)\n"),),
        ("relu_in_place_changes_its_input", "relu_in_place_returns_the_same_tensor"),
    ),
    Mutant(
        "relu_calls_the_built_in",
        "08_activations",
        (("return torch.where(x > 0, x, torch.zeros_like(x))", "return torch.relu(x)"),),
        ("activations_are_written_by_hand",),
    ),
    Mutant(
        "relu_through_an_alias_of_the_functional",
        "08_activations",
        (
            (
                "from torch import nn\n",
                "from torch import nn\nfrom torch.nn.functional import relu as _positive\n",
            ),
            ("return torch.where(x > 0, x, torch.zeros_like(x))", "return _positive(x)"),
        ),
        ("activations_are_written_by_hand",),
    ),
    Mutant(
        "sigmoid_through_the_nn_module",
        "08_activations",
        (
            (
                "    z = torch.exp(-x.abs())\n    return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))\n",
                "    return nn.Sigmoid()(x)\n",
            ),
        ),
        ("activations_are_written_by_hand",),
    ),
    Mutant(
        "sigmoid_with_the_wrong_sign",
        "08_activations",
        (
            (
                "return torch.where(x >= 0, 1 / (1 + z), z / (1 + z))",
                "return torch.where(x >= 0, z / (1 + z), 1 / (1 + z))",
            ),
        ),
        ("sigmoid_equals_the_built_in",),
    ),
    Mutant(
        "net_applies_sigmoid_then_relu",
        "08_activations",
        (("return self.sigmoid1(self.relu1(x))", "return self.relu1(self.sigmoid1(x))"),),
        ("net_equals_sigmoid_of_relu",),
    ),
    Mutant(
        "net_with_an_in_place_relu",
        "08_activations",
        (("self.relu1 = nn.ReLU()", "self.relu1 = nn.ReLU(inplace=True)"),),
        ("net_leaves_its_input_unchanged",),
    ),
    Mutant(
        "sequential_without_flatten",
        "09_sequential",
        (("            nn.Flatten(),\n", ""),),
        ("layers_are_in_the_course_order",),
    ),
    Mutant(
        "linear_sized_for_8x8_maps",
        "09_sequential",
        (("nn.Linear(64 * 4 * 4, 64)", "nn.Linear(64 * 8 * 8, 64)"),),
        ("layers_are_in_the_course_order",),
    ),
    Mutant(
        "layers_as_separate_attributes",
        "09_sequential",
        (
            ("        self.model = nn.Sequential(\n", "        self.model = nn.ModuleList([\n"),
            ("            nn.Linear(64, 10),\n        )\n", "            nn.Linear(64, 10),\n        ])\n"),
            (
                "        return self.model(x)\n",
                "        for layer in self.model:\n            x = layer(x)\n        return x\n",
            ),
        ),
        ("net_keeps_its_layers_in_one_sequential",),
    ),
    Mutant(
        "sequential_forward_forgets_return",
        "09_sequential",
        (("        return self.model(x)\n", "        self.model(x)\n"),),
        ("forward_maps_64_images_to_64_by_10",),
    ),
    Mutant(
        "count_parameters_counts_tensors",
        "09_sequential",
        (
            (
                "return sum(p.numel() for p in model.parameters() if p.requires_grad)",
                "return len([p for p in model.parameters() if p.requires_grad])",
            ),
        ),
        (
            "count_parameters_of_the_course_network",
            "count_parameters_counts_every_element_of_every_parameter",
        ),
    ),
    Mutant(
        "flatten_linear_without_flatten",
        "09_sequential",
        (("return linear(torch.flatten(images))", "return linear(images)"),),
        ("flatten_linear_applies_linear_196608_to_10_to_the_flattened_batch",),
    ),
    Mutant(
        "count_parameters_counts_frozen_ones",
        "09_sequential",
        (
            (
                "return sum(p.numel() for p in model.parameters() if p.requires_grad)",
                "return sum(p.numel() for p in model.parameters())",
            ),
        ),
        ("count_parameters_skips_frozen_parameters",),
    ),
    Mutant(
        "cross_entropy_overflows",
        "10_losses",
        (
            (
                "log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)",
                "log_probs = torch.log(torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True))",
            ),
        ),
        ("cross_entropy_is_stable_for_logits_of_1e4",),
    ),
    Mutant(
        "l1_loss_calls_the_built_in",
        "10_losses",
        (
            (
                "return reduce((pred - target).abs(), reduction)",
                "return torch.nn.functional.l1_loss(pred, target, reduction=reduction)",
            ),
        ),
        ("losses_are_written_by_hand",),
    ),
    Mutant(
        "l1_loss_through_torch_c_nn",
        "10_losses",
        (
            (
                "return reduce((pred - target).abs(), reduction)",
                "return torch._C._nn.l1_loss(pred, target, {'none': 0, 'mean': 1, 'sum': 2}[reduction])",
            ),
        ),
        ("losses_are_written_by_hand",),
    ),
    Mutant(
        "cross_entropy_with_the_nn_module",
        "10_losses",
        (
            (
                "    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)\n"
                "    return -log_probs.gather(1, target.long().unsqueeze(1)).mean()\n",
                "    return torch.nn.CrossEntropyLoss()(logits, target)\n",
            ),
        ),
        ("losses_are_written_by_hand",),
    ),
    Mutant(
        "l1_loss_returns_a_python_float",
        "10_losses",
        (
            (
                "return reduce((pred - target).abs(), reduction)",
                "value = reduce((pred - target).abs(), reduction)\n    return value.item() if value.dim() == "
                "0 else value",
            ),
        ),
        ("gradients_flow_like_the_built_in[l1_loss]",),
    ),
    Mutant(
        "cross_entropy_without_the_mean",
        "10_losses",
        (
            (
                "return -log_probs.gather(1, target.long().unsqueeze(1)).mean()",
                "return -log_probs.gather(1, target.long().unsqueeze(1))",
            ),
        ),
        ("cross_entropy_equals_the_built_in_on_batches",),
    ),
    Mutant(
        "mse_ignores_the_reduction",
        "10_losses",
        (("return reduce((pred - target) ** 2, reduction)", "return ((pred - target) ** 2).mean()"),),
        ("mse_loss_equals_the_built_in",),
    ),
    Mutant(
        "train_step_without_zero_grad",
        "11_optimizer_step",
        (("    optimizer.zero_grad()\n    outputs = model(inputs)", "    outputs = model(inputs)"),),
        ("train_step_clears_old_gradients_first",),
    ),
    Mutant(
        "running_loss_keeps_the_graph",
        "11_optimizer_step",
        (("    return loss.item()\n", "    return loss\n"),),
        ("train_step_returns_the_loss_as_a_python_float",),
    ),
    Mutant(
        "train_step_steps_its_own_sgd",
        "11_optimizer_step",
        (
            (
                "    optimizer.step()\n    return loss.item()",
                "    torch.optim.SGD(model.parameters(), lr=0.1).step()\n    return loss.item()",
            ),
        ),
        ("train_step_works_with_any_optimizer_and_loss",),
    ),
    Mutant(
        "train_epoch_keeps_the_graph_in_running_loss",
        "11_optimizer_step",
        (
            (
                "        running_loss += train_step(model, inputs, targets, loss_fn, optimizer)\n",
                "        optimizer.zero_grad()\n        loss = loss_fn(model(inputs), targets)\n        "
                "loss.backward()\n        optimizer.step()\n        running_loss += loss\n",
            ),
        ),
        ("train_epoch_returns_the_sum_of_batch_losses_as_a_float",),
    ),
    Mutant(
        "train_epoch_resets_running_loss_every_2000_batches",
        "11_optimizer_step",
        (
            (
                "    for inputs, targets in loader:\n        running_loss += train_step(model, inputs, "
                "targets, loss_fn, optimizer)\n",
                "    for i, (inputs, targets) in enumerate(loader):\n"
                "        running_loss += train_step(model, inputs, targets, loss_fn, optimizer)\n"
                "        if i % 2000 == 1999:\n"
                '            print(f"[{i + 1}] loss: {running_loss / 2000:.3f}")\n'
                "            running_loss = 0.0\n",
            ),
        ),
        ("train_epoch_adds_up_every_batch_of_a_long_epoch",),
    ),
    Mutant(
        "sgd_update_rebinds_instead_of_updating",
        "11_optimizer_step",
        (("                param -= lr * param.grad", "                param = param - lr * param.grad"),),
        ("sgd_update_works_in_place_outside_autograd",),
    ),
    Mutant(
        "sgd_update_indexes_the_parameters",
        "11_optimizer_step",
        (
            (
                "        for param in params:\n",
                "        for i in range(len(params)):\n            param = params[i]\n",
            ),
        ),
        ("sgd_update_accepts_model_parameters",),
    ),
    Mutant(
        "append_layer_without_a_name",
        "12_vgg16_modify",
        (
            (
                'model.classifier.add_module("add_linear", nn.Linear(1000, num_classes))',
                "model.classifier.append(nn.Linear(1000, num_classes))",
            ),
        ),
        ("append_layer_adds_add_linear_after_the_classifier",),
    ),
    Mutant(
        "replace_head_keeps_1000_inputs",
        "12_vgg16_modify",
        (
            (
                "model.classifier[6] = nn.Linear(4096, num_classes)",
                "model.classifier[6] = nn.Linear(4096, 1000)",
            ),
        ),
        ("replace_head_uses_num_classes",),
    ),
    Mutant(
        "replace_head_forgets_to_return",
        "12_vgg16_modify",
        (
            (
                "    model.classifier[6] = nn.Linear(4096, num_classes)\n    return model\n",
                "    model.classifier[6] = nn.Linear(4096, num_classes)\n",
            ),
        ),
        ("replace_head_returns_the_model",),
    ),
    Mutant(
        "append_layer_returns_a_copy",
        "12_vgg16_modify",
        (
            ("import torchvision\n", "import copy\n\nimport torchvision\n"),
            (
                '    model.classifier.add_module("add_linear"',
                '    model = copy.deepcopy(model)\n    model.classifier.add_module("add_linear"',
            ),
        ),
        ("append_layer_modifies_in_place_and_returns_the_model",),
    ),
    Mutant(
        "vgg16_downloads_weights",
        "12_vgg16_modify",
        (
            (
                "return replace_head(torchvision.models.vgg16(weights=None), 10)",
                'return replace_head(torchvision.models.vgg16(weights="DEFAULT"), 10)',
            ),
        ),
        ("build_vgg16_cifar10_is_vgg16_with_a_10_class_head",),
    ),
    Mutant(
        "load_full_with_the_new_torch_load_default",
        "13_save_load",
        (
            (
                "return torch.load(path, map_location=map_location, weights_only=False)",
                "return torch.load(path)",
            ),
        ),
        ("load_full_loads_a_whole_pickled_model",),
    ),
    Mutant(
        "load_state_without_map_location",
        "13_save_load",
        (
            (
                "model.load_state_dict(torch.load(path, map_location=map_location, weights_only=True))",
                "model.load_state_dict(torch.load(path))",
            ),
        ),
        ("files_saved_on_a_gpu_load_on_a_cpu_only_machine[state-dict]",),
    ),
    Mutant(
        "checkpoint_forgets_the_optimizer",
        "13_save_load",
        (('    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])\n', ""),),
        ("load_checkpoint_restores_model_optimizer_epoch_and_loss",),
    ),
    Mutant(
        "load_state_forgets_to_return",
        "13_save_load",
        (("weights_only=True))\n    return model\n", "weights_only=True))\n"),),
        ("load_state_returns_the_model",),
    ),
    Mutant(
        "save_full_saves_the_state_dict",
        "13_save_load",
        (("    torch.save(model, path)\n", "    torch.save(model.state_dict(), path)\n"),),
        ("save_full_writes_the_whole_model",),
    ),
    Mutant(
        "save_checkpoint_without_the_epoch",
        "13_save_load",
        (('        "epoch": epoch,\n', ""),),
        ("save_checkpoint_holds_model_optimizer_epoch_and_loss",),
    ),
    Mutant(
        "training_without_zero_grad",
        "14_cifar10_training",
        (("            optimizer.zero_grad()\n            loss = loss_fn", "            loss = loss_fn"),),
        ("one_epoch_makes_exactly_the_reference_sgd_steps",),
    ),
    Mutant(
        "training_without_step",
        "14_cifar10_training",
        (("            optimizer.step()\n            running_loss", "            running_loss"),),
        ("model_is_trained_in_place",),
    ),
    Mutant(
        "training_ignores_lr",
        "14_cifar10_training",
        (("torch.optim.SGD(model.parameters(), lr=lr)", "torch.optim.SGD(model.parameters(), lr=1e-2)"),),
        ("the_given_learning_rate_is_used",),
    ),
    Mutant(
        "training_shuffles_labels_against_images",
        "14_cifar10_training",
        (
            (
                "            images, targets = images.to(device), targets.to(device)\n            "
                "optimizer.zero_grad()",
                "            images, targets = images.to(device), targets.to(device)\n            targets = "
                "targets[torch.randperm(targets.size(0))]\n            optimizer.zero_grad()",
            ),
        ),
        ("one_epoch_makes_exactly_the_reference_sgd_steps",),
    ),
    Mutant(
        "training_halves_the_lr_after_each_epoch",
        "14_cifar10_training",
        (
            (
                "        test_loss, test_accuracy = evaluate(model, test_loader, loss_fn, device)\n",
                "        test_loss, test_accuracy = evaluate(model, test_loader, loss_fn, device)\n"
                '        for group in optimizer.param_groups:\n            group["lr"] *= 0.5\n',
            ),
        ),
        ("trained_model_reaches_the_accuracy_threshold",),
    ),
    Mutant(
        "train_assumes_a_string_device",
        "14_cifar10_training",
        (
            (
                "    device = torch.device(device)\n    model.to(device)\n    loss_fn",
                '    device = torch.device("cuda" if device.startswith("cuda") else "cpu")\n'
                "    model.to(device)\n    loss_fn",
            ),
        ),
        ("device_may_be_a_torch_device",),
    ),
    Mutant(
        "history_without_test_loss",
        "14_cifar10_training",
        (
            (
                '                "test_loss": test_loss,\n',
                "",
            ),
        ),
        ("history_has_one_record_per_epoch",),
    ),
    Mutant(
        "evaluate_without_eval",
        "14_cifar10_training",
        (("    model.eval()\n    total_loss", "    total_loss"),),
        ("evaluate_switches_to_eval_mode",),
    ),
    Mutant(
        "evaluate_with_autograd",
        "14_cifar10_training",
        (("    with torch.no_grad():\n        for images", "    if True:\n        for images"),),
        ("evaluate_turns_autograd_off",),
    ),
    Mutant(
        "accuracy_as_a_percentage",
        "14_cifar10_training",
        (("return total_loss / count, correct / count", "return total_loss / count, 100 * correct / count"),),
        ("evaluate_gives_accuracy_as_a_fraction",),
    ),
    Mutant(
        "evaluate_divides_by_full_batches",
        "14_cifar10_training",
        (
            (
                "return total_loss / count, correct / count",
                "return total_loss / count, correct / (len(loader) * loader.batch_size)",
            ),
        ),
        ("evaluate_returns_mean_loss_and_accuracy",),
    ),
    Mutant(
        "load_image_without_convert_rgb",
        "15_inference",
        (('image = Image.open(path).convert("RGB")', "image = Image.open(path)"),),
        ("load_image_converts_alpha_and_grayscale_images_to_rgb",),
    ),
    Mutant(
        "load_image_reshapes_channels_last",
        "15_inference",
        (
            (
                "return torch.reshape(image, (1, 3, 32, 32))",
                "return torch.reshape(image, (1, 32, 32, 3)).permute(0, 3, 1, 2)",
            ),
        ),
        ("load_image_resizes_then_converts_with_to_tensor",),
    ),
    Mutant(
        "load_image_to_tensor_before_resize",
        "15_inference",
        (
            (
                "            torchvision.transforms.Resize((32, 32)),\n"
                "            torchvision.transforms.ToTensor(),\n",
                "            torchvision.transforms.ToTensor(),\n"
                "            torchvision.transforms.Resize((32, 32)),\n",
            ),
        ),
        ("load_image_resizes_then_converts_with_to_tensor",),
    ),
    Mutant(
        "load_image_without_resize",
        "15_inference",
        (("        torchvision.transforms.Resize((32, 32)),\n", ""),),
        ("load_image_returns_a_1x3x32x32_float32_tensor",),
    ),
    Mutant(
        "predict_without_eval",
        "15_inference",
        (("    model.eval()\n", ""),),
        ("predict_switches_to_eval_mode",),
    ),
    Mutant(
        "predict_without_no_grad",
        "15_inference",
        (("    with torch.no_grad():\n        output = model(image)\n", "    output = model(image)\n"),),
        ("predict_turns_autograd_off",),
    ),
    Mutant(
        "predict_returns_a_tensor_index",
        "15_inference",
        (("index = output.argmax(1).item()", "index = output.argmax(1)"),),
        ("predict_matches_the_reference_on_cifar10_test_images",),
    ),
    Mutant(
        "load_model_cpu_without_map_location",
        "15_inference",
        (
            (
                'return torch.load(path, map_location=torch.device("cpu"), weights_only=False)',
                "return torch.load(path, weights_only=False)",
            ),
        ),
        ("load_model_cpu_loads_a_whole_model_saved_on_a_gpu",),
    ),
    Mutant(
        "matmul_grads_from_three_backward_passes",
        "16_autograd",
        (
            (
                "    out.backward()\n    return x.grad, y.grad, z.grad\n",
                "    dx = torch.autograd.grad(out, x)[0]\n    dy = torch.autograd.grad(out, y)[0]\n"
                "    dz = torch.autograd.grad(out, z)[0]\n    return dx, dy, dz\n",
            ),
        ),
        ("matmul_chain_grads_match_autograd",),
    ),
    Mutant(
        "cubic_grads_of_non_leaf_copies",
        "16_autograd",
        (
            (
                "a, b = (t.detach().clone().requires_grad_(True) for t in (a, b))",
                "a, b = (t.clone().requires_grad_(True) for t in (a, b))",
            ),
        ),
        ("cubic_grads_of_the_course_example", "cubic_grads_of_inputs_that_require_grad"),
    ),
    Mutant(
        "numerical_grad_one_sided",
        "16_autograd",
        (("(f(x + step) - f(x - step)) / (2 * eps)", "(f(x + step) - f(x)) / eps"),),
        ("numerical_grad_matches_autograd_on_random_functions",),
    ),
    Mutant(
        "numerical_grad_ignores_eps",
        "16_autograd",
        (
            (
                "        step.view(-1)[index] = eps\n        grad.view(-1)[index] = (f(x + step) - f(x - "
                "step)) / (2 * eps)\n",
                "        step.view(-1)[index] = 1e-3\n        grad.view(-1)[index] = (f(x + step) - f(x - "
                "step)) / (2 * 1e-3)\n",
            ),
        ),
        ("numerical_grad_uses_eps",),
    ),
    Mutant(
        "fit_line_without_zero_grad",
        "17_regression",
        (
            (
                "        optimizer.zero_grad()\n        loss = loss_fn(model(inputs), targets)\n        "
                "loss.backward()\n        optimizer.step()\n        final_loss",
                "        loss = loss_fn(model(inputs), targets)\n        loss.backward()\n"
                "        optimizer.step()\n        final_loss",
            ),
        ),
        ("fit_line_makes_one_sgd_step_per_epoch",),
    ),
    Mutant(
        "fit_line_target_broadcasts",
        "17_regression",
        (
            (
                "inputs, targets = as_column(x), as_column(y)\n    model = nn.Linear(1, 1)",
                "inputs, targets = as_column(x), torch.as_tensor(y, dtype=torch.float32)\n    model = "
                "nn.Linear(1, 1)",
            ),
        ),
        ("fit_line_makes_one_sgd_step_per_epoch",),
    ),
    Mutant(
        "fit_line_returns_the_loss_tensor",
        "17_regression",
        (("        final_loss = loss.item()\n", "        final_loss = loss\n"),),
        ("fit_line_returns_three_floats",),
    ),
    Mutant(
        "fit_line_final_loss_per_point",
        "17_regression",
        (
            (
                "        final_loss = loss.item()\n",
                "        final_loss = ((model(inputs) - targets) ** 2).detach()\n",
            ),
        ),
        ("fit_line_reports_the_final_mse",),
    ),
    Mutant(
        "fit_logistic_with_mse_loss",
        "17_regression",
        (("loss_fn = nn.BCELoss()", "loss_fn = nn.MSELoss()"),),
        ("fit_logistic_makes_one_sgd_step_per_epoch_with_bce",),
    ),
    Mutant(
        "fit_logistic_returns_logits",
        "17_regression",
        (
            (
                "    model = nn.Sequential(nn.Linear(1, 1), nn.Sigmoid())\n    loss_fn = nn.BCELoss()",
                "    model = nn.Linear(1, 1)\n    loss_fn = nn.BCEWithLogitsLoss()",
            ),
        ),
        ("fit_logistic_returns_a_model_of_probabilities",),
    ),
    Mutant(
        "cross_entropy_after_log_softmax",
        "18_mnist",
        (("loss_fn = nn.NLLLoss()", "loss_fn = nn.CrossEntropyLoss()"),),
        ("the_loss_is_nll_loss_not_cross_entropy",),
    ),
    Mutant(
        "mnist_flattens_in_the_training_loop",
        "18_mnist",
        (
            ("        x = x.view(-1, 784)\n", ""),
            ("loss = loss_fn(model(images), labels)", "loss = loss_fn(model(images.view(-1, 784)), labels)"),
        ),
        ("mlp_turns_image_batches_into_log_probabilities", "train_mnist_trains_the_cnn_too"),
    ),
    Mutant(
        "cnn_flattens_to_784_columns",
        "18_mnist",
        (("return self.classifier(x.view(x.size(0), -1))", "return self.classifier(x.view(-1, 784))"),),
        ("cnn_turns_image_batches_into_log_probabilities",),
    ),
    Mutant(
        "mlp_without_relu",
        "18_mnist",
        (
            (
                "return self.log_softmax(self.fc2(self.relu(self.fc1(x))))",
                "return self.log_softmax(self.fc2(self.fc1(x)))",
            ),
        ),
        ("mlp_turns_image_batches_into_log_probabilities",),
    ),
    Mutant(
        "train_mnist_without_zero_grad",
        "18_mnist",
        (
            (
                "            optimizer.zero_grad()\n            loss = loss_fn(model(images), labels)",
                "            loss = loss_fn(model(images), labels)",
            ),
        ),
        ("training_makes_exactly_the_reference_adam_steps",),
    ),
    Mutant(
        "train_mnist_with_sgd",
        "18_mnist",
        (
            (
                "    optimizer = torch.optim.Adam(model.parameters(), lr=lr)\n    losses = []",
                "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n    losses = []",
            ),
        ),
        ("training_makes_exactly_the_reference_adam_steps",),
    ),
    Mutant(
        "train_mnist_resets_running_loss_every_100_batches",
        "18_mnist",
        (
            (
                "        total, count = 0.0, 0\n        for images, labels in loader:",
                "        total, count = 0.0, 0\n        for i, (images, labels) in enumerate(loader):",
            ),
            (
                "            count += labels.size(0)\n        losses.append",
                "            count += labels.size(0)\n            if i % 100 == 99:\n                "
                "print(total / count)\n                total, count = 0.0, 0\n        losses.append",
            ),
            ("        losses.append(total / count)", "        losses.append(total / max(count, 1))"),
        ),
        ("train_mnist_returns_the_mean_loss_of_each_epoch",),
    ),
    Mutant(
        "accuracy_without_eval",
        "18_mnist",
        (("    model.to(device)\n    model.eval()\n", "    model.to(device)\n"),),
        ("accuracy_runs_in_eval_mode_without_autograd",),
    ),
    Mutant(
        "accuracy_counts_correct_images",
        "18_mnist",
        (("    return correct / count\n", "    return correct\n"),),
        ("accuracy_is_the_fraction_of_correct_predictions",),
    ),
    Mutant(
        "onnx_export_without_a_dynamic_batch",
        "19_onnx_export",
        (('        dynamic_shapes=({0: torch.export.Dim("batch")},),\n', ""),),
        ("onnx_batch_dimension_is_dynamic",),
    ),
    Mutant(
        "onnx_export_without_names",
        "19_onnx_export",
        (("        input_names=[INPUT_NAME],\n        output_names=[OUTPUT_NAME],\n", ""),),
        ("graph_input_and_output_are_named_input_and_output",),
    ),
    Mutant(
        "export_onnx_writes_nothing",
        "19_onnx_export",
        (
            (
                "    model.eval()\n    torch.onnx.export(\n",
                "    model.eval()\n    return\n    torch.onnx.export(\n",
            ),
        ),
        ("export_writes_an_onnx_file_that_onnx_runtime_loads",),
    ),
    Mutant(
        "run_onnx_returns_the_list_of_outputs",
        "19_onnx_export",
        (("dtype=np.float32)})[0]", "dtype=np.float32)})"),),
        ("run_onnx_returns_the_first_output_as_a_numpy_array",),
    ),
    Mutant(
        "dropout_without_scaling",
        "20_dropout_batchnorm",
        (("return x * keep / (1 - p)", "return x * keep"),),
        ("dropout_scales_the_kept_values_by_1_over_1_minus_p",),
    ),
    Mutant(
        "dropout_keeps_with_probability_p",
        "20_dropout_batchnorm",
        (("keep = torch.rand_like(x) >= p", "keep = torch.rand_like(x) < p"),),
        ("dropout_zeroes_about_p_of_the_values",),
    ),
    Mutant(
        "dropout_active_in_eval_mode",
        "20_dropout_batchnorm",
        (("    if not training:\n        return x\n    if p == 1:", "    if p == 1:"),),
        ("dropout_in_eval_mode_returns_its_input",),
    ),
    Mutant(
        "dropout_p_1_divides_by_zero",
        "20_dropout_batchnorm",
        (("    if p == 1:\n        return torch.zeros_like(x)\n", ""),),
        ("dropout_with_p_1_zeroes_everything",),
    ),
    Mutant(
        "dropout_zeroes_its_input_in_place",
        "20_dropout_batchnorm",
        (("    return x * keep / (1 - p)\n", "    x[~keep] = 0\n    return x / (1 - p)\n"),),
        ("dropout_leaves_its_input_unchanged",),
    ),
    Mutant(
        "batch_norm_with_the_unbiased_variance",
        "20_dropout_batchnorm",
        (("var = x.var(dim=dims, unbiased=False)", "var = x.var(dim=dims)"),),
        (
            "batch_norm_normalizes_a_batch_of_features_with_its_own_statistics",
            "batch_norm_normalizes_each_channel_of_images_over_batch_height_and_width",
        ),
    ),
    Mutant(
        "batch_norm_over_the_batch_dimension_only",
        "20_dropout_batchnorm",
        (("dims = [0] + list(range(2, x.dim()))", "dims = [0]"),),
        ("batch_norm_normalizes_each_channel_of_images_over_batch_height_and_width",),
    ),
    Mutant(
        "batch_norm_momentum_the_keras_way",
        "20_dropout_batchnorm",
        (
            (
                "running_mean.mul_(1 - momentum).add_(momentum * mean)",
                "running_mean.mul_(momentum).add_((1 - momentum) * mean)",
            ),
        ),
        ("batch_norm_updates_the_running_mean_with_momentum",),
    ),
    Mutant(
        "batch_norm_running_var_biased",
        "20_dropout_batchnorm",
        (("momentum * x.var(dim=dims, unbiased=True)", "momentum * var"),),
        ("batch_norm_updates_the_running_variance_with_the_unbiased_variance",),
    ),
    Mutant(
        "batch_norm_batch_statistics_in_eval_mode",
        "20_dropout_batchnorm",
        (
            (
                "mean, var = running_mean, running_var",
                "mean, var = x.mean(dim=dims), x.var(dim=dims, unbiased=False)",
            ),
        ),
        ("batch_norm_in_eval_mode_uses_and_keeps_the_running_statistics",),
    ),
    Mutant(
        "classifier_dropout_before_relu",
        "20_dropout_batchnorm",
        (
            (
                "            nn.ReLU(),\n            nn.Dropout(0.5),\n",
                "            nn.Dropout(0.5),\n            nn.ReLU(),\n",
            ),
        ),
        ("classifier_calls_its_layers_in_the_order_given",),
    ),
    Mutant(
        "predict_forgets_model_eval",
        "20_dropout_batchnorm",
        (
            (
                "    model.eval()\n    with torch.no_grad():\n        return model(x).argmax(dim=1)",
                "    with torch.no_grad():\n        return model(x).argmax(dim=1)",
            ),
        ),
        ("predict_evaluates_in_eval_mode",),
    ),
)

DEMO = (
    "numpy_view_copies_the_array",
    "dataset_forgets_convert_rgb",
    "line_swaps_value_and_step",
    "to_tensor_forgets_to_divide_by_255",
    "batch_count_off_by_one",
    "conv_forward_forgets_return",
    "maxpool_of_a_long_tensor",
    "sigmoid_overflows",
    "sequential_without_flatten",
    "cross_entropy_overflows",
    "running_loss_keeps_the_graph",
    "replace_head_keeps_1000_inputs",
    "load_full_with_the_new_torch_load_default",
    "training_without_zero_grad",
    "predict_without_eval",
    "cubic_grads_of_non_leaf_copies",
    "fit_line_without_zero_grad",
    "cross_entropy_after_log_softmax",
    "onnx_export_without_a_dynamic_batch",
    "predict_forgets_model_eval",
)


def copy_solution(exercise_id: str, target: Path) -> Path:
    """A copy of one exercise's reference solution folder, to mutate."""
    folder = target / exercise_id
    shutil.copytree(KIT_ROOT / "solutions" / exercise_id, folder)
    return folder


def apply(mutant: Mutant, folder: Path) -> None:
    """Apply the mutant's edits to the exercise's module in `folder` (a copy of its solution folder)."""
    module = next(p for p in folder.glob("*.py") if not p.name.startswith("test_"))
    text = module.read_text(encoding="utf-8")
    for old, new in mutant.edits:
        if text.count(old) != 1:
            raise ValueError(f"mutant {mutant.name}: {old!r} occurs {text.count(old)} times in {module}")
        text = text.replace(old, new)
    module.write_text(text, encoding="utf-8")


def write_demo_submission(target: Path) -> Path:
    """A full submission: every solution, with one demo mistake in most exercises."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(KIT_ROOT / "solutions", target)
    for mutant in MUTANTS:
        if mutant.name in DEMO:
            apply(mutant, target / mutant.exercise)
    return target


if __name__ == "__main__":
    print(write_demo_submission(Path(sys.argv[1])))
