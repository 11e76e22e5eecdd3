import com.google.protobuf.DescriptorProtos.*;
import java.nio.file.*;
import java.util.*;

/**
 * Prints a proto3 file (services, enums, messages, fields with their numbers, maps, deprecated marks; no options,
 * no comments) from a serialized FileDescriptorProto of package runtime.v1: args descriptor-file out-file. A dev tool
 * for tools/cri-proto.sh, not part of the build.
 */
public class CriProtoFromDescriptor {
    static StringBuilder sb = new StringBuilder();
    static String type(FieldDescriptorProto f) {
        if (!f.getTypeName().isEmpty()) {
            String t = f.getTypeName();
            return t.startsWith(".runtime.v1.") ? t.substring(".runtime.v1.".length()) : t.substring(1);
        }
        return switch (f.getType()) {
            case TYPE_STRING -> "string"; case TYPE_BYTES -> "bytes"; case TYPE_BOOL -> "bool";
            case TYPE_INT32 -> "int32"; case TYPE_INT64 -> "int64"; case TYPE_UINT32 -> "uint32"; case TYPE_UINT64 -> "uint64";
            case TYPE_DOUBLE -> "double"; case TYPE_FLOAT -> "float"; case TYPE_SINT64 -> "sint64"; case TYPE_SINT32 -> "sint32";
            case TYPE_FIXED64 -> "fixed64"; case TYPE_FIXED32 -> "fixed32";
            default -> throw new IllegalStateException(f.toString());
        };
    }
    static void msg(DescriptorProto m, String ind) {
        sb.append(ind).append("message ").append(m.getName()).append(" {\n");
        Map<String, DescriptorProto> maps = new HashMap<>();
        for (DescriptorProto n : m.getNestedTypeList()) {
            if (n.getOptions().getMapEntry()) maps.put(n.getName(), n); else msg(n, ind + "    ");
        }
        for (EnumDescriptorProto e : m.getEnumTypeList()) en(e, ind + "    ");
        for (FieldDescriptorProto f : m.getFieldList()) {
            String t = type(f);
            String simple = t.substring(t.lastIndexOf('.') + 1);
            if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED && maps.containsKey(simple)) {
                DescriptorProto e = maps.get(simple);
                t = "map<" + type(e.getField(0)) + ", " + type(e.getField(1)) + ">";
            } else if (f.getLabel() == FieldDescriptorProto.Label.LABEL_REPEATED) {
                t = "repeated " + t;
            }
            sb.append(ind).append("    ").append(t).append(' ').append(f.getName()).append(" = ").append(f.getNumber());
            if (f.getOptions().hasDeprecated() && f.getOptions().getDeprecated()) sb.append(" [deprecated = true]");
            sb.append(";\n");
        }
        sb.append(ind).append("}\n");
    }
    static void en(EnumDescriptorProto e, String ind) {
        sb.append(ind).append("enum ").append(e.getName()).append(" {\n");
        for (EnumValueDescriptorProto v : e.getValueList()) sb.append(ind).append("    ").append(v.getName()).append(" = ").append(v.getNumber()).append(";\n");
        sb.append(ind).append("}\n");
    }
    public static void main(String[] a) throws Exception {
        FileDescriptorProto fd = FileDescriptorProto.parseFrom(Files.readAllBytes(Path.of(a[0])));
        System.err.println("deps " + fd.getDependencyList() + " syntax " + fd.getSyntax() + " pkg " + fd.getPackage());
        for (ServiceDescriptorProto s : fd.getServiceList()) {
            sb.append("service ").append(s.getName()).append(" {\n");
            for (MethodDescriptorProto m : s.getMethodList()) {
                sb.append("    rpc ").append(m.getName()).append("(").append(m.getClientStreaming() ? "stream " : "")
                  .append(m.getInputType().substring(".runtime.v1.".length())).append(") returns (")
                  .append(m.getServerStreaming() ? "stream " : "").append(m.getOutputType().substring(".runtime.v1.".length())).append(") {}\n");
            }
            sb.append("}\n\n");
        }
        for (EnumDescriptorProto e : fd.getEnumTypeList()) en(e, "");
        for (DescriptorProto m : fd.getMessageTypeList()) msg(m, "");
        Files.writeString(Path.of(a[1]), sb.toString());
    }
}
