"""Re-fetch the MyoLeg bones and model file into ``widgets/myoleg/`` (run by ``make vendor``).

Downloads the pinned wheel of PyPI ``myo-sim`` (Apache-2.0; MyoLeg, after Rajagopal2016)
with pip into a temporary folder, without its dependencies (mujoco and friends are not
needed to read a mesh), and copies the right-leg meshes, the two model files that place
them and the licence. The book builds and tests from these copies; nothing here runs at
build time. Usage: ``python -m tools.refresh_myoleg``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

MYO_SIM = "myo-sim==0.2.3"
TARGET = Path(__file__).resolve().parents[1] / "widgets" / "myoleg"
MESHES = ["r_foot", "r_bofoot", "r_talus", "r_tibia", "r_fibula", "r_femur", "r_patella"]
FILES = {f"myo_sim/models/meshes/{name}.stl": f"{name}.stl" for name in MESHES}
FILES.update({"myo_sim/models/leg/assets/myolegs_chain.xml": "myolegs_chain.xml",
              "myo_sim/models/leg/assets/myolegs_assets.xml": "myolegs_assets.xml"})


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                        "--only-binary=:all:", "-d", tmp, MYO_SIM], check=True)
        wheel, = Path(tmp).glob("myo_sim-*.whl")
        TARGET.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            names = archive.namelist()
            for source, target in FILES.items():
                (TARGET / target).write_bytes(archive.read(source))
            licence, = [n for n in names if n.endswith(".dist-info/licenses/LICENSE")]
            (TARGET / "LICENSE-myo-sim.txt").write_bytes(
                f"{MYO_SIM} (https://pypi.org/project/myo-sim/), files copied unchanged: "
                f"{', '.join(FILES.values())}\n\n".encode() + archive.read(licence))
    print(f"copied {len(FILES)} files of {MYO_SIM} into {TARGET}")


if __name__ == "__main__":
    main()
