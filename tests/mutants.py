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


MUTANTS = (
    Mutant("dataset_keeps_non_image_files", "02_custom_dataset",
           (("if name.lower().endswith(IMAGE_EXTENSIONS) and os.path.isfile(os.path.join(folder, name))",
             "if os.path.isfile(os.path.join(folder, name))"),),
           ("length_counts_only_image_files",)),
    Mutant("dataset_forgets_convert_rgb", "02_custom_dataset",
           (('image = opened.convert("RGB")', "image = opened.copy()"),),
           ("items_are_rgb_images_in_sorted_file_name_order",)),
    Mutant("build_dataset_ignores_the_order", "02_custom_dataset",
           (("for label in label_dirs])", "for label in sorted(label_dirs)])"),),
           ("build_dataset_concatenates_in_the_given_order",)),
    Mutant("to_tensor_forgets_to_divide_by_255", "04_transforms",
           (("contiguous().to(torch.float32) / 255", "contiguous().to(torch.float32)"),),
           ("to_tensor_equals_torchvision", "to_tensor_accepts_an_hwc_uint8_array")),
    Mutant("to_tensor_calls_torchvision", "04_transforms",
           (("    array = np.array(img, dtype=np.uint8)\n", "    return transforms.ToTensor()(img)\n"),),
           ("to_tensor_is_written_by_hand",)),
    Mutant("normalize_works_in_place", "04_transforms",
           (("return (tensor - mean) / std", "return tensor.sub_(mean).div_(std)"),),
           ("normalize_leaves_its_input_unchanged",)),
    Mutant("conv_forward_forgets_return", "06_conv_shapes",
           (("return self.conv1(x)", "self.conv1(x)"),),
           ("forward_returns_the_convolution_output", "forward_computes_a_3_to_6_channel_3x3_convolution")),
    Mutant("conv_size_ignores_dilation", "06_conv_shapes",
           (("- dilation * (kernel_size - 1) - 1) // stride", "- (kernel_size - 1) - 1) // stride"),),
           ("output_size_matches_nn_conv2d_on_a_grid",)),
    Mutant("maxpool_of_a_long_tensor", "07_maxpool",
           (("return self.maxpool1(x.to(torch.float32))", "return self.maxpool1(x)"),),
           ("net_pools_long_tensors_into_float32",)),
    Mutant("pool_size_defaults_stride_to_1", "07_maxpool",
           (("stride = kernel_size\n", "stride = 1\n"),),
           ("output_size_defaults_stride_to_kernel_size",)),
    Mutant("pool_ceil_mode_keeps_windows_in_the_padding", "07_maxpool",
           (("        if (out - 1) * stride >= size + padding:\n            out -= 1\n", ""),),
           ("ceil_mode_drops_a_window_that_starts_in_the_padding",)),
    Mutant("cross_entropy_overflows", "10_losses",
           (("log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)",
             "log_probs = torch.log(torch.exp(logits) / torch.exp(logits).sum(dim=1, keepdim=True))"),),
           ("cross_entropy_is_stable_for_logits_of_1e4",)),
    Mutant("l1_loss_calls_the_built_in", "10_losses",
           (("return reduce((pred - target).abs(), reduction)",
             "return torch.nn.functional.l1_loss(pred, target, reduction=reduction)"),),
           ("losses_are_written_by_hand",)),
    Mutant("mse_ignores_the_reduction", "10_losses",
           (("return reduce((pred - target) ** 2, reduction)", "return ((pred - target) ** 2).mean()"),),
           ("mse_loss_equals_the_built_in",)),
    Mutant("train_step_without_zero_grad", "11_optimizer_step",
           (("    optimizer.zero_grad()\n    outputs = model(inputs)", "    outputs = model(inputs)"),),
           ("train_step_clears_old_gradients_first",)),
    Mutant("running_loss_keeps_the_graph", "11_optimizer_step",
           (("    return loss.item()\n", "    return loss\n"),),
           ("train_step_returns_the_loss_as_a_python_float", "train_epoch_returns_the_sum_of_batch_losses_as_a_float")),
    Mutant("sgd_update_rebinds_instead_of_updating", "11_optimizer_step",
           (("                param -= lr * param.grad", "                param = param - lr * param.grad"),),
           ("sgd_update_subtracts_lr_times_the_gradient",)),
    Mutant("append_layer_without_a_name", "12_vgg16_modify",
           (('model.classifier.add_module("add_linear", nn.Linear(1000, num_classes))',
             "model.classifier.append(nn.Linear(1000, num_classes))"),),
           ("append_layer_adds_add_linear_after_the_classifier",)),
    Mutant("replace_head_keeps_1000_inputs", "12_vgg16_modify",
           (("model.classifier[6] = nn.Linear(4096, num_classes)", "model.classifier[6] = nn.Linear(4096, 1000)"),),
           ("replace_head_swaps_classifier_6", "build_vgg16_cifar10_is_vgg16_with_a_10_class_head")),
    Mutant("vgg16_downloads_weights", "12_vgg16_modify",
           (("return replace_head(torchvision.models.vgg16(weights=None), 10)",
             "return replace_head(torchvision.models.vgg16(weights=\"DEFAULT\"), 10)"),),
           ("build_vgg16_cifar10_is_vgg16_with_a_10_class_head",)),
    Mutant("load_full_with_the_new_torch_load_default", "13_save_load",
           (("return torch.load(path, map_location=map_location, weights_only=False)", "return torch.load(path)"),),
           ("load_full_loads_a_whole_pickled_model",)),
    Mutant("load_state_without_map_location", "13_save_load",
           (("model.load_state_dict(torch.load(path, map_location=map_location, weights_only=True))",
             "model.load_state_dict(torch.load(path))"),),
           ("files_saved_on_a_gpu_load_on_a_cpu_only_machine[state-dict]",)),
    Mutant("checkpoint_forgets_the_optimizer", "13_save_load",
           (('    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])\n', ""),),
           ("checkpoint_restores_model_optimizer_epoch_and_loss",)),
    Mutant("training_without_zero_grad", "14_cifar10_training",
           (("            optimizer.zero_grad()\n            loss = loss_fn", "            loss = loss_fn"),),
           ("trained_model_reaches_the_accuracy_threshold", "one_epoch_makes_exactly_the_reference_sgd_steps")),
    Mutant("training_without_step", "14_cifar10_training",
           (("            optimizer.step()\n            running_loss", "            running_loss"),),
           ("trained_model_reaches_the_accuracy_threshold", "model_is_trained_in_place",
            "the_given_learning_rate_is_used")),
    Mutant("training_ignores_lr", "14_cifar10_training",
           (("torch.optim.SGD(model.parameters(), lr=lr)", "torch.optim.SGD(model.parameters(), lr=1e-2)"),),
           ("trained_model_reaches_the_accuracy_threshold", "the_given_learning_rate_is_used",
            "one_epoch_makes_exactly_the_reference_sgd_steps")),
    Mutant("training_shuffles_labels_against_images", "14_cifar10_training",
           (("            images, targets = images.to(device), targets.to(device)\n            optimizer.zero_grad()",
             "            images, targets = images.to(device), targets.to(device)\n"
             "            targets = targets[torch.randperm(targets.size(0))]\n            optimizer.zero_grad()"),),
           ("trained_model_reaches_the_accuracy_threshold",)),
    Mutant("evaluate_in_training_mode_with_autograd", "14_cifar10_training",
           (("    model.eval()\n    total_loss", "    total_loss"), ("    with torch.no_grad():\n        for images",
                                                                    "    if True:\n        for images")),
           ("evaluate_switches_to_eval_mode", "evaluate_turns_autograd_off")),
    Mutant("accuracy_as_a_percentage", "14_cifar10_training",
           (("return total_loss / count, correct / count", "return total_loss / count, 100 * correct / count"),),
           ("evaluate_gives_accuracy_as_a_fraction",)),
)

DEMO = ("dataset_forgets_convert_rgb", "to_tensor_forgets_to_divide_by_255", "conv_forward_forgets_return",
        "maxpool_of_a_long_tensor", "cross_entropy_overflows", "running_loss_keeps_the_graph",
        "replace_head_keeps_1000_inputs", "load_full_with_the_new_torch_load_default", "training_without_zero_grad")


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
