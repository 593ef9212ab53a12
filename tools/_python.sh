# Sourced by the launch scripts: the interpreter is $PYTHON, else the active virtual
# environment, else the project's .venv, else python3.
if [ -z "${PYTHON:-}" ]; then
    if [ -n "${VIRTUAL_ENV:-}" ]; then
        PYTHON=$VIRTUAL_ENV/bin/python
    elif [ -x "$repo/.venv/bin/python" ]; then
        PYTHON=$repo/.venv/bin/python
    else
        PYTHON=python3
    fi
fi
