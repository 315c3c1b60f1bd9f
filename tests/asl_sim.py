"""A small in-process interpreter for the subset of Amazon States Language the delivery state machine
uses (Task, Pass, Choice, Map INLINE, Fail; Parameters/ItemSelector, ResultSelector, ResultPath,
Retry, Catch), so tests can run the real definition against the real handlers. No waiting: Retry
intervals are not slept, only counted.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

LAMBDA_INVOKE = "arn:aws:states:::lambda:invoke"
SQS_SEND = "arn:aws:states:::sqs:sendMessage"
ENTERED_TIME = "2026-12-04T09:30:05.000Z"


class StatesError(Exception):
    def __init__(self, error: str, cause: str) -> None:
        super().__init__(f"{error}: {cause}")
        self.error = error
        self.cause = cause


@dataclass
class Simulator:
    functions: dict[str, Callable[[Any], Any]]  # function ARN -> handler(event)
    execution_id: str = "arn:aws:states:ap-northeast-1:111111111111:execution:delivery:test"
    sent_messages: list[dict[str, Any]] = field(default_factory=list)
    invocations: list[str] = field(default_factory=list)
    retries: int = 0

    # -- paths ---------------------------------------------------------------------------------
    def _path(self, path: str, data: Any, context: dict[str, Any]) -> Any:
        root, rest = (context, path[2:]) if path.startswith("$$") else (data, path[1:])
        value = root
        for part in [p for p in rest.split(".") if p]:
            if not isinstance(value, dict) or part not in value:
                raise StatesError("States.Runtime", f"path {path} not found")
            value = value[part]
        return value

    def _template(self, template: Any, data: Any, context: dict[str, Any]) -> Any:
        if isinstance(template, dict):
            out = {}
            for key, value in template.items():
                if key.endswith(".$"):
                    out[key[:-2]] = self._path(value, data, context)
                else:
                    out[key] = self._template(value, data, context)
            return out
        return template

    @staticmethod
    def _place(raw: Any, result: Any, result_path: str | None) -> Any:
        if result_path is None:
            return raw
        if result_path == "$":
            return result
        out = json.loads(json.dumps(raw))
        target = out
        *parents, leaf = result_path[2:].split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = result
        return out

    # -- states --------------------------------------------------------------------------------
    def run(self, machine: dict[str, Any], data: Any, context: dict[str, Any] | None = None) -> Any:
        context = context or {"Execution": {"Id": self.execution_id}}
        name = machine["StartAt"]
        while True:
            state = machine["States"][name]
            context = {**context, "State": {"Name": name, "EnteredTime": ENTERED_TIME}}
            kind = state["Type"]
            if kind == "Fail":
                raise StatesError(state.get("Error", "States.Fail"), state.get("Cause", ""))
            try:
                data, next_name = self._step(state, data, context)
            except StatesError as err:
                catcher = next((c for c in state.get("Catch", []) if self._matches(c["ErrorEquals"], err)), None)
                if catcher is None:
                    raise
                error_output = {"Error": err.error, "Cause": err.cause}
                data = self._place(data, error_output, catcher.get("ResultPath", "$"))
                next_name = catcher["Next"]
            if next_name is None:
                return data
            name = next_name

    @staticmethod
    def _matches(names: list[str], err: StatesError) -> bool:
        return err.error in names or ("States.ALL" in names and not err.error.startswith("States.Runtime"))

    def _step(self, state: dict[str, Any], data: Any, context: dict[str, Any]) -> tuple[Any, str | None]:
        kind = state["Type"]
        following = None if state.get("End") else state.get("Next")
        if kind == "Pass":
            result = self._template(state["Parameters"], data, context) if "Parameters" in state else data
            return self._place(data, result, state.get("ResultPath", "$")), following
        if kind == "Choice":
            for choice in state["Choices"]:
                if self._choose(choice, data, context):
                    return data, choice["Next"]
            return data, state["Default"]
        if kind == "Map":
            items = self._path(state["ItemsPath"], data, context)
            outputs = []
            for index, item in enumerate(items):
                item_context = {**context, "Map": {"Item": {"Index": index, "Value": item}}}
                item_input = self._template(state["ItemSelector"], data, item_context)
                outputs.append(self.run(state["ItemProcessor"], item_input, item_context))
            return self._place(data, outputs, state.get("ResultPath", "$")), following
        if kind == "Task":
            effective = self._template(state["Parameters"], data, context)
            result = self._task_with_retry(state, effective)
            if "ResultSelector" in state:
                result = self._template(state["ResultSelector"], result, context)
            return self._place(data, result, state.get("ResultPath", "$")), following
        raise AssertionError(f"state type {kind} not simulated")

    def _choose(self, rule: dict[str, Any], data: Any, context: dict[str, Any]) -> bool:
        if "Or" in rule:
            return any(self._choose(r, data, context) for r in rule["Or"])
        return bool(self._path(rule["Variable"], data, context) == rule["StringEquals"])

    def _task_with_retry(self, state: dict[str, Any], effective: dict[str, Any]) -> Any:
        attempts: dict[int, int] = {}
        while True:
            try:
                return self._task(state["Resource"], effective)
            except StatesError as err:
                index = next(
                    (i for i, r in enumerate(state.get("Retry", [])) if self._matches(r["ErrorEquals"], err)), None
                )
                if index is None or attempts.get(index, 0) >= state["Retry"][index].get("MaxAttempts", 3):
                    raise
                attempts[index] = attempts.get(index, 0) + 1
                self.retries += 1

    def _task(self, resource: str, effective: dict[str, Any]) -> Any:
        if resource == LAMBDA_INVOKE:
            arn = effective["FunctionName"]
            self.invocations.append(arn)
            # A Lambda payload goes over the wire as JSON, both ways.
            event = json.loads(json.dumps(effective["Payload"]))
            try:
                payload = self.functions[arn](event)
            except Exception as exc:
                cause = json.dumps({"errorMessage": str(exc), "errorType": type(exc).__name__, "stackTrace": []})
                raise StatesError(type(exc).__name__, cause) from exc
            return {"StatusCode": 200, "Payload": json.loads(json.dumps(payload))}
        if resource == SQS_SEND:
            self.sent_messages.append(effective)
            return {"MessageId": f"m-{len(self.sent_messages)}"}
        raise AssertionError(f"resource {resource} not simulated")
