/**
 * The preprocessor_config.json keys, in the order the exports write them, that bring pixels to [−1, 1]: rescaled to
 * [0, 1], then normalised with mean and std 0.5 on every channel (SigLIP's constants).
 */
export const SIGNED_PIXEL_SCALING = {
  do_rescale: true,
  rescale_factor: 1 / 255,
  do_normalize: true,
  image_mean: [0.5, 0.5, 0.5],
  image_std: [0.5, 0.5, 0.5],
} as const;
