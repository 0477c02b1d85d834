"""Writes the digits dataset that `tensorgraph train` uses: scikit-learn's copy of the UCI ML
"Optical Recognition of Handwritten Digits" test set (1,797 8x8 images, pixels 0..16, labels 0..9;
E. Alpaydin and C. Kaynak, 1998; distributed with scikit-learn under its BSD-3-Clause license).

    .venv/bin/pip install scikit-learn && .venv/bin/python Sources/tensorgraph/Resources/make_digits.py
"""
import os

import numpy as np
from sklearn.datasets import load_digits

HERE = os.path.dirname(os.path.abspath(__file__))
digits = load_digits()
np.save(os.path.join(HERE, "digits_images.npy"), digits.images.astype(np.float32))
np.save(os.path.join(HERE, "digits_labels.npy"), digits.target.astype(np.int32))
print(digits.images.shape, np.bincount(digits.target))
