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
