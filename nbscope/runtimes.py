"""Names a managed Spark runtime puts in the kernel before the first cell runs.

A PySpark kernel (Livy/sparkmagic on EMR, AWS Glue interactive sessions, Azure
Synapse and Microsoft Fabric) and a Databricks notebook start with ``spark`` (the
``SparkSession``), ``sc`` (the ``SparkContext``) and ``sqlContext`` bound;
Databricks adds ``dbutils`` and ``displayHTML``, Synapse ``mssparkutils``. A
notebook shows it ran there by its saved kernel (``kernelspec``, the Databricks
export's metadata) or by importing a module only that runtime has
(``awsglue``, ``pyspark.dbutils``, ``notebookutils``). A plain Python kernel
with ``import pyspark`` binds none of these: there they stay undefined.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Notebook
from .packages import platform_of

SPARK_NAMES = frozenset({"spark", "sc", "sqlContext"})
_RUNTIME_NAMES = {
    "Databricks": SPARK_NAMES | {"dbutils", "displayHTML"},
    "Azure Synapse and Microsoft Fabric": SPARK_NAMES | {"mssparkutils"},
    "AWS Glue": SPARK_NAMES,
    "Spark": SPARK_NAMES,
}
# Words in a saved kernel's name that say which runtime it is (``pysparkkernel``,
# ``glue_pyspark``, ``synapse_pyspark``, Apache Toree's ``apache_toree_pyspark``). A bare
# "spark" is not enough: "Python 3 (spark env)" is a plain kernel in a conda env.
_KERNEL_WORDS = (("databricks", "Databricks"), ("synapse", "Azure Synapse and Microsoft Fabric"),
                 ("glue", "AWS Glue"), ("pyspark", "Spark"), ("sparkkernel", "Spark"),
                 ("toree", "Spark"))


def runtime_of(notebook: Notebook, imported: Iterable[str]) -> str | None:
    """The managed Spark runtime the notebook was saved from or is written for, if any."""
    kernel = notebook.kernel or ""
    for word, runtime in _KERNEL_WORDS:
        if word in kernel:
            return runtime
    for module in imported:
        runtime = platform_of(module)
        if runtime in _RUNTIME_NAMES:
            return runtime
    return None


def injected_names(notebook: Notebook, imported: Iterable[str]) -> frozenset[str]:
    """The names that runtime binds before the first cell; empty for a plain kernel."""
    runtime = runtime_of(notebook, imported)
    return frozenset() if runtime is None else _RUNTIME_NAMES[runtime]


# What each Spark name holds, and the line that makes it in a plain Python kernel.
_SPARK_MAKERS = {
    "sc": ("the SparkContext", "from pyspark import SparkContext; sc = SparkContext.getOrCreate()"),
    "spark": ("the SparkSession", "from pyspark.sql import SparkSession; "
              "spark = SparkSession.builder.getOrCreate()"),
    "sqlContext": ("the SQLContext", "from pyspark.sql import SQLContext; "
                   "sqlContext = SQLContext(sc)"),
}


def spark_shell_name(name: str, imported: Iterable[str]) -> tuple[str, str] | None:
    """For ``sc``, ``spark``, ``sqlContext`` read in a notebook that imports ``pyspark``
    but runs in a plain kernel: what the ``pyspark`` shell would have bound there, and the
    line that creates it; None otherwise (``sc`` is a scaler as often as not)."""
    if name not in _SPARK_MAKERS or not any(
            module == "pyspark" or module.startswith("pyspark.") for module in imported):
        return None
    return _SPARK_MAKERS[name]
