"""Notebook import conventions: which import line conventionally binds a name.

Pure data and pure functions (no I/O). ``CONVENTIONAL_IMPORTS`` suggests the
import a notebook forgot; ``KNOWN_THIRD_PARTY`` tells a well-known PyPI package
that is merely not installed here from a local helper module that is missing.
"""

from __future__ import annotations

from collections.abc import Callable

# A name a notebook uses -> the import line that conventionally binds it.
# Only names whose meaning is near-universal in notebooks are listed; where a
# name has two common meanings the comment says why this one was chosen.
# Plain stdlib modules (os, re, json, math, ...) need no entry: import_line_for
# falls back to ``import NAME`` for them.
CONVENTIONAL_IMPORTS: dict[str, str] = {
    # --- scientific Python core ---
    "np": "import numpy as np",
    "numpy": "import numpy",
    "pd": "import pandas as pd",
    "pandas": "import pandas",
    "plt": "import matplotlib.pyplot as plt",
    "mpl": "import matplotlib as mpl",
    "sns": "import seaborn as sns",
    # sympy is also imported as ``sp``, but scipy's ``sp`` is the older, wider
    # convention (and the one SciPy's own docs used).
    "sp": "import scipy as sp",
    # ``stats`` could be a user variable, but undefined it nearly always means scipy.
    "stats": "from scipy import stats",
    "Axes3D": "from mpl_toolkits.mplot3d import Axes3D",
    # --- plotting beyond matplotlib ---
    "px": "import plotly.express as px",
    "go": "import plotly.graph_objects as go",
    "make_subplots": "from plotly.subplots import make_subplots",
    # --- statistics ---
    "sm": "import statsmodels.api as sm",
    "smf": "import statsmodels.formula.api as smf",
    # --- dataframes beyond pandas ---
    # ``pl`` is also pytorch_lightning's alias; polars is the more common one now.
    "pl": "import polars as pl",
    "dd": "import dask.dataframe as dd",
    # ``cf.go_offline()``, ``df.iplot()``: cufflinks' plotly bridge has no other alias.
    "cf": "import cufflinks as cf",
    "SparkSession": "from pyspark.sql import SparkSession",
    # --- deep learning ---
    "tf": "import tensorflow as tf",
    # Keras 3 is also imported standalone (``import keras``); the tf.keras form
    # is what the large body of existing notebooks uses.
    "keras": "from tensorflow import keras",
    "layers": "from tensorflow.keras import layers",
    "Sequential": "from tensorflow.keras.models import Sequential",
    "Dense": "from tensorflow.keras.layers import Dense",
    "tfds": "import tensorflow_datasets as tfds",
    "hub": "import tensorflow_hub as hub",
    "torch": "import torch",
    "nn": "from torch import nn",
    # PySpark code also uses ``F`` (pyspark.sql.functions); torch's is chosen as
    # the common convention and because notebooks import torch far more often.
    "F": "import torch.nn.functional as F",
    "optim": "from torch import optim",
    # HuggingFace ``datasets`` also has a ``Dataset``; torch's is the classic one.
    "Dataset": "from torch.utils.data import Dataset",
    "DataLoader": "from torch.utils.data import DataLoader",
    "transforms": "from torchvision import transforms",
    "jnp": "import jax.numpy as jnp",
    "AutoTokenizer": "from transformers import AutoTokenizer",
    "AutoModel": "from transformers import AutoModel",
    # sklearn's helpers are ``Pipeline``/``make_pipeline``; lowercase ``pipeline``
    # is transformers'.
    "pipeline": "from transformers import pipeline",
    # --- scikit-learn ---
    "train_test_split": "from sklearn.model_selection import train_test_split",
    "LinearRegression": "from sklearn.linear_model import LinearRegression",
    "LogisticRegression": "from sklearn.linear_model import LogisticRegression",
    "RandomForestClassifier": "from sklearn.ensemble import RandomForestClassifier",
    "KMeans": "from sklearn.cluster import KMeans",
    "PCA": "from sklearn.decomposition import PCA",
    "StandardScaler": "from sklearn.preprocessing import StandardScaler",
    "accuracy_score": "from sklearn.metrics import accuracy_score",
    "mean_squared_error": "from sklearn.metrics import mean_squared_error",
    "confusion_matrix": "from sklearn.metrics import confusion_matrix",
    "classification_report": "from sklearn.metrics import classification_report",
    # --- other third-party staples ---
    "xgb": "import xgboost as xgb",
    "lgb": "import lightgbm as lgb",
    "nx": "import networkx as nx",
    "cv2": "import cv2",
    # IPython.display also has an ``Image``; PIL's is the one code calls methods
    # on (Image.open), which is where an undefined ``Image`` usually surfaces.
    "Image": "from PIL import Image",
    # ``tqdm(...)`` is the usual call, so bind the function, not the module.
    "tqdm": "from tqdm import tqdm",
    "requests": "import requests",
    "BeautifulSoup": "from bs4 import BeautifulSoup",
    "nltk": "import nltk",
    "stopwords": "from nltk.corpus import stopwords",
    "joblib": "import joblib",
    "yaml": "import yaml",
    "wandb": "import wandb",
    "OpenAI": "from openai import OpenAI",
    "load_dotenv": "from dotenv import load_dotenv",
    # --- notebook front ends (``display`` itself is provided by the kernel) ---
    "widgets": "import ipywidgets as widgets",
    "HTML": "from IPython.display import HTML",
    "Markdown": "from IPython.display import Markdown",
    "clear_output": "from IPython.display import clear_output",
    # ``drive.mount(...)`` is the Colab idiom; ``drive`` has no rival convention.
    "drive": "from google.colab import drive",
    # --- standard library names (not module names) ---
    "Path": "from pathlib import Path",
    "defaultdict": "from collections import defaultdict",
    "Counter": "from collections import Counter",
    "namedtuple": "from collections import namedtuple",
    "deque": "from collections import deque",
    "OrderedDict": "from collections import OrderedDict",
    "partial": "from functools import partial",
    "reduce": "from functools import reduce",
    "lru_cache": "from functools import lru_cache",
    "wraps": "from functools import wraps",
    "combinations": "from itertools import combinations",
    "permutations": "from itertools import permutations",
    "product": "from itertools import product",
    # ``datetime`` is both a module and its main class. It is a stdlib module
    # name, so the suggestion binds the module, matching import_line_for's
    # stdlib fallback; ``datetime.now()`` users will see the class is one dot
    # further (``datetime.datetime.now()``).
    "datetime": "import datetime",
    "timedelta": "from datetime import timedelta",
    "dataclass": "from dataclasses import dataclass",
    # ``pprint(x)`` (the function) is the common use, not ``pprint.pprint(x)``.
    "pprint": "from pprint import pprint",
    "deepcopy": "from copy import deepcopy",
    # A built-in in Python 2; since Python 3 it lives in importlib.
    "reload": "from importlib import reload",
    "sleep": "from time import sleep",
    "StringIO": "from io import StringIO",
    "BytesIO": "from io import BytesIO",
    "Enum": "from enum import Enum",
    "Any": "from typing import Any",
    "Callable": "from typing import Callable",
    "Dict": "from typing import Dict",
    "List": "from typing import List",
    "Optional": "from typing import Optional",
    "Tuple": "from typing import Tuple",
    "Union": "from typing import Union",
}


# Classes and functions of data-science libraries that notebooks import by name
# (``from transformers import Trainer``). Where it comes from: the ``from PACKAGE
# import NAME`` lines (third-party packages, no alias) written in at least 8 of the
# 1,833 public notebooks of the project's test corpus (counted December 2026), plus
# the sibling names of the same APIs that are as common in their documentation
# (``f1_score`` beside ``accuracy_score``). Names too generic to guess without
# context (``files``, ``load``, ``connect``, ``metrics``) are left out here; the
# ones that are safe once the notebook uses their package are in PACKAGE_MEMBERS.
# Entries of CONVENTIONAL_IMPORTS above win over these.
LIBRARY_NAMES: dict[str, str] = {
    # --- Hugging Face ---
    "load_dataset": "from datasets import load_dataset",
    "load_metric": "from datasets import load_metric",
    "ClassLabel": "from datasets import ClassLabel",
    "notebook_login": "from huggingface_hub import notebook_login",
    "Trainer": "from transformers import Trainer",
    "TrainingArguments": "from transformers import TrainingArguments",
    "Seq2SeqTrainer": "from transformers import Seq2SeqTrainer",
    "Seq2SeqTrainingArguments": "from transformers import Seq2SeqTrainingArguments",
    "AutoConfig": "from transformers import AutoConfig",
    "AutoProcessor": "from transformers import AutoProcessor",
    "AutoImageProcessor": "from transformers import AutoImageProcessor",
    "AutoFeatureExtractor": "from transformers import AutoFeatureExtractor",
    "AutoModelForCausalLM": "from transformers import AutoModelForCausalLM",
    "AutoModelForSequenceClassification":
        "from transformers import AutoModelForSequenceClassification",
    "AutoModelForSeq2SeqLM": "from transformers import AutoModelForSeq2SeqLM",
    "AutoModelForMaskedLM": "from transformers import AutoModelForMaskedLM",
    "AutoModelForTokenClassification": "from transformers import AutoModelForTokenClassification",
    "AutoModelForQuestionAnswering": "from transformers import AutoModelForQuestionAnswering",
    "AutoModelForImageClassification":
        "from transformers import AutoModelForImageClassification",
    "BitsAndBytesConfig": "from transformers import BitsAndBytesConfig",
    "DataCollatorWithPadding": "from transformers import DataCollatorWithPadding",
    "DataCollatorForSeq2Seq": "from transformers import DataCollatorForSeq2Seq",
    "DataCollatorForLanguageModeling":
        "from transformers import DataCollatorForLanguageModeling",
    "DataCollatorForTokenClassification":
        "from transformers import DataCollatorForTokenClassification",
    "get_scheduler": "from transformers import get_scheduler",
    "Accelerator": "from accelerate import Accelerator",
    "LoraConfig": "from peft import LoraConfig",
    "get_peft_model": "from peft import get_peft_model",
    # --- scikit-learn ---
    "DecisionTreeClassifier": "from sklearn.tree import DecisionTreeClassifier",
    "DecisionTreeRegressor": "from sklearn.tree import DecisionTreeRegressor",
    "RandomForestRegressor": "from sklearn.ensemble import RandomForestRegressor",
    "AdaBoostClassifier": "from sklearn.ensemble import AdaBoostClassifier",
    "GradientBoostingClassifier": "from sklearn.ensemble import GradientBoostingClassifier",
    "SVC": "from sklearn.svm import SVC",
    "SVR": "from sklearn.svm import SVR",
    "KNeighborsClassifier": "from sklearn.neighbors import KNeighborsClassifier",
    "GaussianNB": "from sklearn.naive_bayes import GaussianNB",
    "LabelEncoder": "from sklearn.preprocessing import LabelEncoder",
    "OneHotEncoder": "from sklearn.preprocessing import OneHotEncoder",
    "MinMaxScaler": "from sklearn.preprocessing import MinMaxScaler",
    "SimpleImputer": "from sklearn.impute import SimpleImputer",
    "Pipeline": "from sklearn.pipeline import Pipeline",
    "make_pipeline": "from sklearn.pipeline import make_pipeline",
    "ColumnTransformer": "from sklearn.compose import ColumnTransformer",
    "GridSearchCV": "from sklearn.model_selection import GridSearchCV",
    "cross_val_score": "from sklearn.model_selection import cross_val_score",
    "r2_score": "from sklearn.metrics import r2_score",
    "mean_absolute_error": "from sklearn.metrics import mean_absolute_error",
    "f1_score": "from sklearn.metrics import f1_score",
    "precision_score": "from sklearn.metrics import precision_score",
    "recall_score": "from sklearn.metrics import recall_score",
    "roc_auc_score": "from sklearn.metrics import roc_auc_score",
    "roc_curve": "from sklearn.metrics import roc_curve",
    "load_iris": "from sklearn.datasets import load_iris",
    # --- Keras (the tf.keras form, as for ``Dense`` above) ---
    "Flatten": "from tensorflow.keras.layers import Flatten",
    "Dropout": "from tensorflow.keras.layers import Dropout",
    "Conv2D": "from tensorflow.keras.layers import Conv2D",
    "MaxPooling2D": "from tensorflow.keras.layers import MaxPooling2D",
    "LSTM": "from tensorflow.keras.layers import LSTM",
    "EarlyStopping": "from tensorflow.keras.callbacks import EarlyStopping",
    # --- PyTorch ---
    "AdamW": "from torch.optim import AdamW",
    "ToTensor": "from torchvision.transforms import ToTensor",
    # --- others ---
    "SparkConf": "from pyspark import SparkConf",
    "SparkContext": "from pyspark import SparkContext",
    "webdriver": "from selenium import webdriver",
}

# Submodules and members with a generic name (``metrics``, ``tree``): suggested only
# when some cell of the notebook imports from their package, where that meaning is
# near certain (``metrics.accuracy_score`` after ``from sklearn.svm import SVC``).
# Same source as LIBRARY_NAMES (``from sklearn import metrics`` is in 18 notebooks).
PACKAGE_MEMBERS: dict[str, tuple[str, str]] = {
    "metrics": ("sklearn", "from sklearn import metrics"),
    "tree": ("sklearn", "from sklearn import tree"),
    "datasets": ("sklearn", "from sklearn import datasets"),
    "preprocessing": ("sklearn", "from sklearn import preprocessing"),
    "linear_model": ("sklearn", "from sklearn import linear_model"),
    "svm": ("sklearn", "from sklearn import svm"),
    "files": ("google.colab", "from google.colab import files"),
    "userdata": ("google.colab", "from google.colab import userdata"),
}

def import_line_for(name: str, is_stdlib_module: Callable[[str], bool]) -> str | None:
    """The import line that would bind ``name``, or None when there is no safe guess.

    The table wins (so ``datetime`` and ``pprint`` get their chosen forms);
    otherwise a stdlib top-level module name is imported as itself. Private
    modules (``_io``, ``_thread``) are never suggested: using such a name
    undefined is far likelier a variable than a forgotten import.
    """
    line = CONVENTIONAL_IMPORTS.get(name) or LIBRARY_NAMES.get(name)
    if line is not None:
        return line
    if name.isidentifier() and not name.startswith("_") and is_stdlib_module(name):
        return f"import {name}"
    return None


# Names of ``CONVENTIONAL_IMPORTS`` whose ``from`` line imports a module, not a class or a
# function: like ``import x`` lines, they are suggested only where the name is used as a
# module (``stats.norm``), never for a bare ``stats`` read, which is a variable's.
_MODULES_FROM_PACKAGES = frozenset({"stats", "keras", "layers", "nn", "optim", "drive"})


def binds_module(name: str, import_line: str) -> bool:
    """Whether ``import_line`` (as ``import_line_for`` gives it) binds ``name`` to a module.

    ``import string`` and ``import numpy as np`` do; ``from pathlib import Path`` binds a
    class, which a notebook uses as a value (``Path("data")``) as often as not.
    """
    return import_line.startswith("import ") or name in _MODULES_FROM_PACKAGES


# Top-level *import* names (not distribution names) of widely used PyPI
# packages. A missing one of these is "not installed here", while an unknown
# missing module is more likely a local helper the notebook expects beside it.
# Import names generic enough to be a local helper's file name (evaluate, panel,
# tables, schedule, ...) are left out on purpose: for them "not installed" would
# be the wrong, reassuring guess.
KNOWN_THIRD_PARTY: frozenset[str] = frozenset(
    {
        # scientific core
        "numpy", "pandas", "scipy", "matplotlib", "mpl_toolkits", "pylab", "seaborn",
        "sympy", "numba", "numexpr", "bottleneck", "cython", "Cython", "xarray",
        "netCDF4", "cftime", "h5py", "zarr", "pyarrow", "polars", "dask",
        "distributed", "vaex", "modin", "duckdb", "pandasql", "cupy", "cudf", "cuml",
        # statistics, ML, time series
        "sklearn", "statsmodels", "xgboost", "lightgbm", "catboost", "imblearn", "mlxtend",
        "optuna", "hyperopt", "shap", "lime", "eli5", "yellowbrick", "pycaret",
        "category_encoders", "featuretools", "h2o", "pyod", "umap", "hdbscan", "openTSNE",
        "annoy", "hnswlib", "faiss", "scikitplot", "mglearn", "dtreeviz", "pmdarima",
        "prophet", "fbprophet", "sktime", "tsfresh", "pymc", "pymc3", "arviz",
        "pystan", "cmdstanpy", "emcee", "gpflow", "gpytorch", "pyro", "numpyro",
        "lifelines", "pingouin", "patsy", "linearmodels",
        # deep learning
        "torch", "torchvision", "torchaudio", "torchtext", "torchmetrics", "torchsummary",
        "torchinfo", "torch_geometric", "pytorch_lightning", "lightning", "tensorflow",
        "tensorflow_datasets", "tensorflow_hub", "tensorflow_probability", "tensorflow_text",
        "tensorboard", "tensorboardX", "keras", "keras_tuner", "tflite_runtime", "jax",
        "jaxlib", "flax", "optax", "haiku", "fastai", "skorch", "timm", "einops", "kornia",
        "albumentations", "imgaug", "dgl", "ultralytics", "detectron2", "mmcv",
        "segmentation_models_pytorch", "onnx", "onnxruntime", "tensorrt", "pycuda",
        "coremltools", "deepspeed", "apex", "xformers", "triton", "captum", "visdom",
        "bitsandbytes", "accelerate", "peft", "trl", "diffusers", "vllm",
        # NLP and LLMs
        "transformers", "datasets", "tokenizers", "huggingface_hub", "safetensors",
        "sentence_transformers", "sentencepiece", "tiktoken", "nltk", "spacy",
        "gensim", "textblob", "fasttext", "jieba", "langdetect", "googletrans",
        "deep_translator", "unidecode", "emoji", "wordcloud", "fuzzywuzzy", "thefuzz",
        "rapidfuzz", "Levenshtein", "vaderSentiment", "pyLDAvis", "bertopic", "openai",
        "anthropic", "langchain", "langchain_core", "langchain_community", "langchain_openai",
        "llama_index", "chromadb", "pinecone", "gradio", "streamlit",
        # vision, audio, media
        "cv2", "PIL", "skimage", "imageio", "pytesseract", "easyocr", "mediapipe",
        "face_recognition", "dlib", "open3d", "trimesh", "pyvista", "vtk", "pycocotools",
        "librosa", "soundfile", "pydub", "speech_recognition", "gtts", "pyttsx3",
        "moviepy", "ffmpeg", "pygame",
        # visualisation
        "plotly", "plotly_express", "chart_studio", "cufflinks", "dash", "jupyter_dash",
        "bokeh", "altair", "holoviews", "hvplot", "bqplot", "plotnine",
        "mplfinance", "folium", "ipyleaflet", "graphviz", "pydot", "pydotplus",
        "pygraphviz", "networkx", "igraph", "missingno", "pandas_profiling",
        "ydata_profiling", "sweetviz", "dtale", "itables", "qgrid", "tabulate",
        # geo and science domains
        "geopandas", "shapely", "fiona", "pyproj", "rasterio", "geopy", "cartopy",
        "astropy", "healpy", "Bio", "rdkit", "pymatgen", "ase", "qiskit", "cirq",
        "pennylane",
        # notebooks and Google/Colab
        "IPython", "ipywidgets", "ipykernel", "jupyter", "nbformat",
        "nbconvert", "nbclient", "papermill", "google", "googleapiclient", "oauth2client",
        "pydrive", "gspread", "gdown", "kaggle", "kagglehub",
        # experiment tracking
        "wandb", "mlflow", "comet_ml", "neptune",
        # data access, storage, cloud
        "sqlalchemy", "pymongo", "psycopg2", "pymysql", "MySQLdb", "mysql", "pyodbc",
        "cx_Oracle", "oracledb", "snowflake", "redis", "elasticsearch", "boto3",
        "botocore", "s3fs", "gcsfs", "fsspec", "azure", "pyspark", "findspark", "ray",
        "pandas_gbq", "kafka", "confluent_kafka", "pika", "zmq", "grpc",
        # files and formats
        "yaml", "toml", "tomli", "dotenv", "openpyxl", "xlrd", "xlsxwriter", "xlwt",
        "docx", "pptx", "PyPDF2", "pypdf", "pdfplumber", "fitz", "reportlab", "lxml",
        "html5lib", "bs4", "markdown", "mistune", "jinja2", "pygments", "msgpack",
        "orjson", "ujson", "simplejson", "jsonschema", "joblib", "pickle5", "dill",
        "cloudpickle",
        # web, networking, automation
        "requests", "httpx", "aiohttp", "urllib3", "certifi", "idna", "chardet",
        "charset_normalizer", "websocket", "websockets", "selenium", "scrapy", "flask",
        "django", "fastapi", "starlette", "uvicorn", "pydantic", "tweepy", "praw",
        "discord", "telegram", "telebot", "slack_sdk", "twilio", "stripe", "paramiko",
        "pexpect", "docker", "kubernetes", "git", "github", "pyautogui",
        "apscheduler", "celery", "serial", "usb", "RPi", "smbus",
        # finance
        "yfinance", "pandas_datareader", "alpha_vantage", "ccxt", "talib",
        "quandl", "backtrader",
        # GUIs
        "PyQt5", "PyQt6", "PySide2", "PySide6", "wx", "kivy",
        # general utilities
        "tqdm", "rich", "click", "typer", "colorama", "termcolor", "loguru", "tenacity",
        "attr", "attrs", "marshmallow", "six", "regex", "pytz", "dateutil", "arrow",
        "pendulum", "psutil", "GPUtil", "pynvml", "cryptography", "Crypto", "jwt",
        "bcrypt", "nacl", "OpenSSL", "setuptools", "pkg_resources", "pip", "wheel",
        "packaging", "importlib_metadata", "importlib_resources", "typing_extensions",
        "pytest", "hypothesis", "gym", "gymnasium", "stable_baselines3",
    }
)  # fmt: skip
